"""A "want to dive deeper?" button: researches that follow-up question and posts its report."""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import ui

from adapters.discord.components import INDEX, custom_id, listeners_for, template
from adapters.discord.markdown import one_line
from adapters.text import cut

KIND = "ask"
MAX_LABEL_CHARS = 80


def follow_up_label(question: str) -> str:
    """The question on one line, cut to fit; empty when nothing visible is left."""
    return cut(one_line(question), MAX_LABEL_CHARS)


class FollowUpButton(ui.DynamicItem[ui.Button[Any]], template=template(KIND, INDEX)):
    def __init__(self, answer_id: str, index: int, *, label: str) -> None:
        super().__init__(
            ui.Button(
                label=label,
                style=discord.ButtonStyle.primary,
                custom_id=custom_id(KIND, answer_id, index),
            )
        )
        self.answer_id = answer_id
        self.index = index
        self.label = label

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: ui.Item[Any], match: re.Match[str], /
    ) -> FollowUpButton:
        # The label shown on the message is the fallback question if the answer has expired.
        label = getattr(item, "label", None) or ""
        return cls(match["answer_id"], int(match["index"]), label=label)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await listeners_for(interaction).follow_up(
            interaction, self.answer_id, self.index, label=self.label or None
        )
