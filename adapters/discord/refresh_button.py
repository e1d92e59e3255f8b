"""The "Refresh" button on a stale report: researches the same question again, ignoring the cache."""

from __future__ import annotations

from typing import Any

import discord

from adapters.discord.components import AnswerButton, listeners_for


class RefreshButton(AnswerButton, kind="refresh"):
    label = "Refresh"
    emoji = "🔄"
    style = discord.ButtonStyle.success

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await listeners_for(interaction).refresh(interaction, self.answer_id)
