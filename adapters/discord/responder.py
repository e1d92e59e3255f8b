"""Discord events and clicks in, the desk's answers out: the adapter's listeners, in one place.

Every path follows the same order: acknowledge first (defer an interaction,
before Redis or the engine is touched; a typing indicator for a message),
then the desk, then the reply. Research runs as a task on the desk's
`BackgroundTasks`, so shutdown can wait for answers under way. Every failure
ends in words for the person (`adapters.wording`), never in Discord's
"This interaction failed".
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Any

import discord

from adapters.desk import QuestionDesk
from adapters.discord.render import render_answer
from adapters.discord.reply import (
    PROGRESS_EDIT_SECONDS,
    InteractionReply,
    MessageReply,
    is_closed_to_us,
    say_privately,
    send_page,
)
from adapters.discord.section_reader import render_section, render_sources
from adapters.discord.translate import read_message
from adapters.text import ELLIPSIS
from adapters.wording import RESTARTING, describe_error, thanks_for_vote, usage
from answers import AnswerNotFound, FactbotError, QuestionError, Vote

log = logging.getLogger(__name__)

PLATFORM = "discord"
HOW_TO_ASK = "`/factcheck question: QUESTION`, or mention me with your question"


def _user(interaction: discord.Interaction[Any]) -> str:
    return str(interaction.user.id)


def _is_private(interaction: discord.Interaction[Any]) -> bool:
    """A click on an ephemeral message answers ephemerally too."""
    message = interaction.message
    return message is not None and message.flags.ephemeral


class Responder:
    """Implements `Handlers` (commands and clicks) and answers mentions and DMs."""

    def __init__(self, desk: QuestionDesk, *, progress_interval: float = PROGRESS_EDIT_SECONDS):
        self.desk = desk
        self.progress_interval = progress_interval
        self.accepting = True

    # --- questions ------------------------------------------------------------------

    async def ask(
        self, interaction: discord.Interaction[Any], question: str, *, private: bool
    ) -> None:
        """`/factcheck` and "Fact-check this message"."""
        if not self.accepting:
            await self._guarded(say_privately(interaction, RESTARTING))
            return
        try:
            self.desk.check(question)
        except QuestionError as exc:  # no Redis needed: say so as the first response
            await self._guarded(say_privately(interaction, describe_error(exc)))
            return
        reply = await self._deferred(interaction, private=private)
        if reply is not None:
            self.desk.tasks.spawn(self._answer(reply, _user(interaction), question))

    async def follow_up(
        self,
        interaction: discord.Interaction[Any],
        answer_id: str,
        index: int,
        *,
        label: str | None,
    ) -> None:
        if not self.accepting:
            await self._guarded(say_privately(interaction, RESTARTING))
            return
        reply = await self._deferred(interaction, private=_is_private(interaction))
        if reply is not None:
            self.desk.tasks.spawn(
                self._follow_up(reply, _user(interaction), answer_id, index, label=label)
            )

    async def refresh(self, interaction: discord.Interaction[Any], answer_id: str) -> None:
        if not self.accepting:
            await self._guarded(say_privately(interaction, RESTARTING))
            return
        reply = await self._deferred(interaction, private=_is_private(interaction))
        if reply is not None:
            self.desk.tasks.spawn(self._refresh(reply, _user(interaction), answer_id))

    async def on_message(self, message: discord.Message, *, bot_id: int) -> None:
        """A mention (of the bot or its role) in a channel, or a DM; everything else is ignored."""
        asked = read_message(message, bot_id)
        if asked is None:
            return
        if not await self.desk.first_time(PLATFORM, f"message:{message.id}"):
            return
        reply = MessageReply(message)
        try:
            if asked.is_bare_mention:
                await reply.text(usage(HOW_TO_ASK))
            elif not self.accepting:
                await reply.text(RESTARTING)
            else:
                self.desk.tasks.spawn(
                    self._answer_message(reply, str(message.author.id), asked.text)
                )
        except discord.HTTPException:
            log.warning("could not reply to message %s", message.id, exc_info=True)

    # --- clicks that show something to the clicker only ------------------------------

    async def read_section(
        self, interaction: discord.Interaction[Any], answer_id: str, index: int
    ) -> None:
        if not await self._defer_privately(interaction):
            return
        try:
            answer = await self.desk.answer(answer_id)
            if not 0 <= index < len(answer.sections):
                raise AnswerNotFound(f"{answer_id}#section{index}")
            page = render_section(answer, index)
        except Exception as exc:
            await self._private_error(interaction, exc)
            return
        await self._delivered_privately(interaction, send_page(interaction, page))

    async def show_sources(self, interaction: discord.Interaction[Any], answer_id: str) -> None:
        if not await self._defer_privately(interaction):
            return
        try:
            page = render_sources(await self.desk.answer(answer_id))
        except Exception as exc:
            await self._private_error(interaction, exc)
            return
        await self._delivered_privately(interaction, send_page(interaction, page))

    async def vote(self, interaction: discord.Interaction[Any], answer_id: str, vote: Vote) -> None:
        if not await self._defer_privately(interaction):
            return
        try:
            await self.desk.answer(answer_id)
            tally = await self.desk.vote(answer_id, _user(interaction), vote)
        except Exception as exc:
            await self._private_error(interaction, exc)
            return
        thanks = interaction.followup.send(thanks_for_vote(vote, tally), ephemeral=True)
        await self._delivered_privately(interaction, thanks)

    # --- steps ----------------------------------------------------------------------

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

    async def _answer(
        self, reply: InteractionReply, user: str, question: str, *, refresh: bool = False
    ) -> None:
        try:
            outcome = await self.desk.ask(
                PLATFORM, user, question, refresh=refresh, progress=reply.progress
            )
            view = render_answer(outcome.answer, is_stale=self.desk.is_stale(outcome.answer))
        except Exception as exc:
            self._log_unexpected(exc)
            await self._guarded(reply.error(describe_error(exc)))
            return
        try:
            await reply.report(view)
        except discord.HTTPException as exc:
            # Never leave "factbot is thinking…" behind: the asker hears something went wrong.
            log.warning("Discord refused a report (%s); telling the asker instead", exc)
            await self._guarded(reply.error(describe_error(exc)))

    async def _follow_up(
        self, reply: InteractionReply, user: str, answer_id: str, index: int, *, label: str | None
    ) -> None:
        try:
            question = await self.desk.follow_up(answer_id, index)
        except AnswerNotFound as exc:
            if not label or label.endswith(ELLIPSIS):
                await self._guarded(reply.error(describe_error(exc)))
                return
            question = label  # the button showed the whole question: ask that
        except Exception as exc:
            self._log_unexpected(exc)
            await self._guarded(reply.error(describe_error(exc)))
            return
        await self._answer(reply, user, question)

    async def _refresh(self, reply: InteractionReply, user: str, answer_id: str) -> None:
        try:
            answer = await self.desk.answer(answer_id)
        except Exception as exc:
            self._log_unexpected(exc)
            await self._guarded(reply.error(describe_error(exc)))
            return
        await self._answer(reply, user, answer.question, refresh=True)

    async def _answer_message(self, reply: MessageReply, user: str, question: str) -> None:
        async with reply.typing():
            try:
                outcome = await self.desk.ask(PLATFORM, user, question)
                view = render_answer(outcome.answer, is_stale=self.desk.is_stale(outcome.answer))
            except Exception as exc:
                self._log_unexpected(exc)
                await self._guarded(reply.text(describe_error(exc)))
                return
        try:
            await reply.report(view)
        except discord.HTTPException as exc:
            if is_closed_to_us(exc):  # no permission to post here: nothing else would get through
                log.warning("could not post a report in channel %s: %s", reply.channel_id, exc)
                return
            log.warning("Discord refused a report (%s); saying so instead", exc)
            await self._guarded(reply.text(describe_error(exc)))

    async def _delivered_privately(
        self, interaction: discord.Interaction[Any], sending: Awaitable[object]
    ) -> None:
        """Send the private answer to a click; if Discord refuses it, an error takes the place of
        the private "thinking…"."""
        try:
            await sending
        except discord.HTTPException as exc:
            if is_closed_to_us(exc):
                log.warning(
                    "Discord takes no more replies to interaction %s (%s)", interaction.id, exc
                )
                return
            log.warning("Discord refused a private reply (%s); saying so instead", exc)
            await self._guarded(say_privately(interaction, describe_error(exc)))

    async def _private_error(self, interaction: discord.Interaction[Any], exc: Exception) -> None:
        self._log_unexpected(exc)
        await self._guarded(say_privately(interaction, describe_error(exc)))

    @staticmethod
    def _log_unexpected(exc: BaseException) -> None:
        if not isinstance(exc, FactbotError):
            log.error("unexpected failure answering on Discord", exc_info=exc)

    @staticmethod
    async def _guarded(sending: Awaitable[object]) -> None:
        """Send, and log (not raise) when Discord refuses: there is no one left to tell."""
        try:
            await sending
        except discord.HTTPException:
            log.warning("Discord refused a reply", exc_info=True)
