"""The "Read" button beside a section heading: shows that section, whole, to whoever clicked."""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import ui

from adapters.discord.components import INDEX, custom_id, listeners_for, template

KIND = "read"
LABEL = "Read"


class ReadButton(ui.DynamicItem[ui.Button[Any]], template=template(KIND, INDEX)):
    def __init__(self, answer_id: str, index: int) -> None:
        super().__init__(
            ui.Button(
                label=LABEL,
                emoji="📖",
                style=discord.ButtonStyle.secondary,
                custom_id=custom_id(KIND, answer_id, index),
            )
        )
        self.answer_id = answer_id
        self.index = index

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: ui.Item[Any], match: re.Match[str], /
    ) -> ReadButton:
        return cls(match["answer_id"], int(match["index"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await listeners_for(interaction).read_section(interaction, self.answer_id, self.index)
