"""The "Refresh" button on a stale report: researches the same question again, ignoring the cache."""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import ui

from adapters.discord.components import custom_id, listeners_for, template

KIND = "refresh"


class RefreshButton(ui.DynamicItem[ui.Button[Any]], template=template(KIND)):
    def __init__(self, answer_id: str) -> None:
        super().__init__(
            ui.Button(
                label="Refresh",
                emoji="🔄",
                style=discord.ButtonStyle.success,
                custom_id=custom_id(KIND, answer_id),
            )
        )
        self.answer_id = answer_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: ui.Item[Any], match: re.Match[str], /
    ) -> RefreshButton:
        return cls(match["answer_id"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await listeners_for(interaction).refresh(interaction, self.answer_id)
