"""The "All sources" button, shown when the report's source list had to be shortened."""

from __future__ import annotations

from typing import Any

import discord

from adapters.discord.components import AnswerButton, listeners_for


class SourcesButton(AnswerButton, kind="sources"):
    label = "All sources"
    emoji = "📚"
    style = discord.ButtonStyle.secondary

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await listeners_for(interaction).show_sources(interaction, self.answer_id)
