"""The work after Discord was acknowledged: the desk, then the report (or the words) in reply.

`Listeners` defers (or starts typing) first and hands over to these; the
questions run as tasks on the desk's `BackgroundTasks`, so shutdown can wait
for answers under way. Every failure ends in words for the person
(`adapters.wording`), never in Discord's "This interaction failed".
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

import discord

from adapters.background import last_words
from adapters.desk import QuestionDesk
from adapters.discord.render import render_answer
from adapters.discord.reply import (
    InteractionReply,
    Reply,
    is_closed_to_us,
    say_privately,
    send_page,
)
from adapters.discord.section_reader import render_section, render_sources
from adapters.discord.translate import PLATFORM
from adapters.wording import describe_error, thanks_for_vote
from answers import FactbotError, ShuttingDown, Vote

log = logging.getLogger(__name__)


# --- questions: the report replaces "factbot is thinking…", or answers a message -------


@dataclass(frozen=True)
class Asking:
    """How a question is asked beyond its words: the report thread it continues (the id of the
    report replied to or clicked on), whether it was written to stand alone (a clicked
    follow-up), the channel's backend, who to name on the report, the answer a Refresh renews."""

    thread: str | None = None
    is_standalone: bool = False
    backend: str | None = None
    asked_by: int | None = None
    renews: str | None = None


async def answer(
    desk: QuestionDesk,
    reply: Reply,
    user: str,
    question: str,
    *,
    refresh: bool = False,
    asking: Asking = Asking(),
) -> None:
    """Research `question` and put the report (or the words for what went wrong) in `reply`;
    a reply to the report then continues this question's thread. Cancelled at shutdown, it
    says so in the report's place ("factbot is thinking…" never stays)."""
    try:
        await _answer(desk, reply, user, question, refresh=refresh, asking=asking)
    except asyncio.CancelledError:
        await last_words(reply.error(describe_error(ShuttingDown())))
        raise


async def _answer(
    desk: QuestionDesk,
    reply: Reply,
    user: str,
    question: str,
    *,
    refresh: bool,
    asking: Asking,
) -> None:
    async with reply.working():
        try:
            if asking.renews is not None:
                outcome = await desk.refresh(PLATFORM, user, asking.renews, progress=reply.progress)
            else:
                outcome = await desk.ask(
                    PLATFORM,
                    user,
                    question,
                    refresh=refresh,
                    progress=reply.progress,
                    thread=asking.thread,
                    is_standalone=asking.is_standalone,
                    backend=asking.backend,
                )
            view = render_answer(
                outcome.answer,
                is_stale=desk.is_stale(outcome.answer),
                asked_by=asking.asked_by,
            )
        except Exception as exc:
            _log_unexpected(exc)
            await guarded(reply.error(describe_error(exc)))
            return
    try:
        await reply.report(view)
    except discord.HTTPException as exc:
        # Never leave "factbot is thinking…" behind: the asker hears something went wrong.
        log.warning("Discord refused a report (%s); telling the asker instead", exc)
        await guarded(reply.error(describe_error(exc)))
        return
    if reply.posted_id is not None:
        await desk.continue_thread(PLATFORM, str(reply.posted_id), outcome)


async def answer_follow_up(
    desk: QuestionDesk,
    reply: InteractionReply,
    user: str,
    answer_id: str,
    index: int,
    *,
    label: str | None,
    asking: Asking = Asking(),
) -> None:
    try:
        question = await desk.follow_up(answer_id, index, label=label)
    except Exception as exc:
        _log_unexpected(exc)
        await guarded(reply.error(describe_error(exc)))
        return
    await answer(desk, reply, user, question, asking=asking)


async def answer_refresh(
    desk: QuestionDesk,
    reply: InteractionReply,
    user: str,
    answer_id: str,
) -> None:
    """Research a report again, as it was understood, by the backend that wrote it."""
    await answer(desk, reply, user, "", refresh=True, asking=Asking(renews=answer_id))


# --- clicks that show something to the clicker only ------------------------------------


async def show_section(
    desk: QuestionDesk, interaction: discord.Interaction[Any], answer_id: str, index: int
) -> None:
    try:
        page = render_section(await desk.section(answer_id, index), index)
    except Exception as exc:
        await _private_error(interaction, exc)
        return
    await _delivered_privately(interaction, send_page(interaction, page))


async def show_sources(
    desk: QuestionDesk, interaction: discord.Interaction[Any], answer_id: str
) -> None:
    try:
        page = render_sources(await desk.answer(answer_id))
    except Exception as exc:
        await _private_error(interaction, exc)
        return
    await _delivered_privately(interaction, send_page(interaction, page))


async def record_vote(
    desk: QuestionDesk, interaction: discord.Interaction[Any], answer_id: str, vote: Vote
) -> None:
    try:
        tally = await desk.vote(answer_id, str(interaction.user.id), vote)
    except Exception as exc:
        await _private_error(interaction, exc)
        return
    thanks = interaction.followup.send(thanks_for_vote(vote, tally), ephemeral=True)
    await _delivered_privately(interaction, thanks)


# --- steps ------------------------------------------------------------------------------


async def _delivered_privately(
    interaction: discord.Interaction[Any], sending: Awaitable[object]
) -> None:
    """Send the private answer to a click; if Discord refuses it, an error takes the place of
    the private "thinking…"."""
    try:
        await sending
    except discord.HTTPException as exc:
        if is_closed_to_us(exc):
            log.warning("Discord takes no more replies to interaction %s (%s)", interaction.id, exc)
            return
        log.warning("Discord refused a private reply (%s); saying so instead", exc)
        await guarded(say_privately(interaction, describe_error(exc)))


async def _private_error(interaction: discord.Interaction[Any], exc: Exception) -> None:
    _log_unexpected(exc)
    await guarded(say_privately(interaction, describe_error(exc)))


def _log_unexpected(exc: BaseException) -> None:
    if not isinstance(exc, FactbotError):
        log.error("unexpected failure answering on Discord", exc_info=exc)


async def guarded(sending: Awaitable[object]) -> None:
    """Send, and log (not raise) when Discord refuses: there is no one left to tell."""
    try:
        await sending
    except discord.HTTPException:
        log.warning("Discord refused a reply", exc_info=True)
