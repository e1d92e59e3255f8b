"""Every way into factbot on Discord, acknowledged first: commands, clicks, mentions and DMs.

`Listeners` is what the client, the command tree and the components call
(found through `components.listeners_for`). Each method acknowledges before
Redis or the engine is touched (defers an interaction; a typing indicator
for a message), then hands over to `answering`: questions as background
tasks on the desk, clicks that show something privately at once.
"""

from __future__ import annotations

import logging
from typing import Any

import discord

from adapters.desk import QuestionDesk
from adapters.discord import answering
from adapters.discord.answering import PLATFORM, guarded
from adapters.discord.reply import (
    PROGRESS_EDIT_SECONDS,
    InteractionReply,
    MessageReply,
    say_privately,
)
from adapters.discord.translate import read_message
from adapters.wording import describe_error
from answers import QuestionError, ShuttingDown, Vote

log = logging.getLogger(__name__)

HOW_TO_ASK = "`/factcheck question: QUESTION`, or mention me with your question"


def _user(interaction: discord.Interaction[Any]) -> str:
    return str(interaction.user.id)


def _is_private(interaction: discord.Interaction[Any]) -> bool:
    """A click on an ephemeral message answers ephemerally too."""
    message = interaction.message
    return message is not None and message.flags.ephemeral


class Listeners:
    """The adapter's listeners; `progress_interval` paces the progress edits of a report."""

    def __init__(self, desk: QuestionDesk, *, progress_interval: float = PROGRESS_EDIT_SECONDS):
        self.desk = desk
        self.progress_interval = progress_interval

    # --- questions ------------------------------------------------------------------

    async def ask(
        self, interaction: discord.Interaction[Any], question: str, *, private: bool
    ) -> None:
        """`/factcheck` and "Fact-check this message"."""
        if not await self._admitted(interaction):
            return
        try:
            self.desk.check(question)
        except QuestionError as exc:  # no Redis needed: say so as the first response
            await guarded(say_privately(interaction, describe_error(exc)))
            return
        reply = await self._deferred(interaction, private=private)
        if reply is not None:
            self.desk.tasks.spawn(answering.answer(self.desk, reply, _user(interaction), question))

    async def follow_up(
        self,
        interaction: discord.Interaction[Any],
        answer_id: str,
        index: int,
        *,
        label: str | None,
    ) -> None:
        if not await self._admitted(interaction):
            return
        reply = await self._deferred(interaction, private=_is_private(interaction))
        if reply is not None:
            self.desk.tasks.spawn(
                answering.answer_follow_up(
                    self.desk, reply, _user(interaction), answer_id, index, label=label
                )
            )

    async def refresh(self, interaction: discord.Interaction[Any], answer_id: str) -> None:
        if not await self._admitted(interaction):
            return
        reply = await self._deferred(interaction, private=_is_private(interaction))
        if reply is not None:
            self.desk.tasks.spawn(
                answering.answer_refresh(self.desk, reply, _user(interaction), answer_id)
            )

    async def on_message(self, message: discord.Message, *, bot_id: int) -> None:
        """A mention (of the bot or its role) in a channel, or a DM; everything else is ignored."""
        asked = read_message(message, bot_id)
        if asked is None:
            return
        if not await self.desk.first_time(PLATFORM, f"message:{message.id}"):
            return
        reply = MessageReply(message)
        refusal = self.desk.refusal(asked.text, how_to_ask=HOW_TO_ASK)
        try:
            if refusal is not None:
                await reply.text(refusal)
            else:
                self.desk.tasks.spawn(
                    answering.answer(self.desk, reply, str(message.author.id), asked.text)
                )
        except discord.HTTPException:
            log.warning("could not reply to message %s", message.id, exc_info=True)

    # --- clicks that show something to the clicker only ------------------------------

    async def read_section(
        self, interaction: discord.Interaction[Any], answer_id: str, index: int
    ) -> None:
        if await self._defer_privately(interaction):
            await answering.show_section(self.desk, interaction, answer_id, index)

    async def show_sources(self, interaction: discord.Interaction[Any], answer_id: str) -> None:
        if await self._defer_privately(interaction):
            await answering.show_sources(self.desk, interaction, answer_id)

    async def vote(self, interaction: discord.Interaction[Any], answer_id: str, vote: Vote) -> None:
        if await self._defer_privately(interaction):
            await answering.record_vote(self.desk, interaction, answer_id, vote)

    # --- acknowledging ----------------------------------------------------------------

    async def _admitted(self, interaction: discord.Interaction[Any]) -> bool:
        """False, having said so privately, once the desk stopped accepting questions."""
        if self.desk.accepting:
            return True
        await guarded(say_privately(interaction, describe_error(ShuttingDown())))
        return False

    @staticmethod
    async def _defer_privately(interaction: discord.Interaction[Any]) -> bool:
        try:
            await interaction.response.defer(thinking=True, ephemeral=True)
        except discord.HTTPException:
            log.warning("could not defer interaction %s", interaction.id, exc_info=True)
            return False
        return True

    async def _deferred(
        self, interaction: discord.Interaction[Any], *, private: bool
    ) -> InteractionReply | None:
        reply = InteractionReply(
            interaction, private=private, progress_interval=self.progress_interval
        )
        try:
            await reply.defer()
        except discord.HTTPException:
            # Too late (over 3 s) or already answered: nothing more can be said through it.
            log.warning("could not defer interaction %s", interaction.id, exc_info=True)
            return None
        return reply
