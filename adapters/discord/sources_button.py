"""The "All sources" button, shown when the report's source list had to be shortened."""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import ui

from adapters.discord.components import custom_id, listeners_for, template

KIND = "sources"


class SourcesButton(ui.DynamicItem[ui.Button[Any]], template=template(KIND)):
    def __init__(self, answer_id: str) -> None:
        super().__init__(
            ui.Button(
                label="All sources",
                emoji="📚",
                style=discord.ButtonStyle.secondary,
                custom_id=custom_id(KIND, answer_id),
            )
        )
        self.answer_id = answer_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: ui.Item[Any], match: re.Match[str], /
    ) -> SourcesButton:
        return cls(match["answer_id"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await listeners_for(interaction).show_sources(interaction, self.answer_id)
