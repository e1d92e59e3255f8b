"""👍 / 👎 on a report, recorded per person through the desk (their last vote counts)."""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import ui

from adapters.discord.components import custom_id, listeners_for, template
from answers import Vote

KIND = "vote"
LOOKS: dict[Vote, tuple[str, str]] = {"up": ("Helpful", "👍"), "down": ("Not helpful", "👎")}


class FeedbackButton(ui.DynamicItem[ui.Button[Any]], template=template(KIND, r"(?P<vote>up|down)")):
    def __init__(self, answer_id: str, vote: Vote) -> None:
        label, emoji = LOOKS[vote]
        super().__init__(
            ui.Button(
                label=label,
                emoji=emoji,
                style=discord.ButtonStyle.secondary,
                custom_id=custom_id(KIND, answer_id, vote),
            )
        )
        self.answer_id = answer_id
        self.vote: Vote = vote

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: ui.Item[Any], match: re.Match[str], /
    ) -> FeedbackButton:
        return cls(match["answer_id"], "up" if match["vote"] == "up" else "down")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await listeners_for(interaction).vote(interaction, self.answer_id, self.vote)
