"""Answering one question in Slack, after the platform was acknowledged.

The steps: start the engine → show a placeholder only if the answer is not
there at once (the first progress event, or a short delay; a cache hit has
neither) → update it with progress at most once a second → replace it with
the report, or with a short error and a "Try again" button. Nothing is left
"thinking": the assistant status is cleared and the placeholder replaced
even when the task is cancelled at shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Coroutine
from dataclasses import dataclass
from typing import Any

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from adapters.background import BackgroundTasks, last_words
from adapters.desk import QuestionDesk
from adapters.slack import translate
from adapters.slack.controls import ReportView, RetryRequest
from adapters.slack.render import (
    SectionsMode,
    render_failure,
    render_notice,
    render_report,
    render_working,
)
from adapters.slack.reply import AssistantStatus, SlackReply
from adapters.slack.translate import PLATFORM
from adapters.wording import RESTARTING, describe_error
from answers import AskOutcome, Progress, QuestionError, RateLimited, ResearchFailed, Stage

log = logging.getLogger(__name__)

HOW_TO_MENTION = "@factbot QUESTION"
PLACEHOLDER_DELAY_SECONDS = 0.7  # a cached answer comes well inside this: no placeholder flash
QUICK_ANSWER_SECONDS = 0.25  # once research starts, a placeholder shows after this at the latest
PROGRESS_INTERVAL_SECONDS = 1.0  # Slack's chat.update is Tier 3; once a second is plenty


@dataclass(frozen=True)
class Ask:
    """A question, who asks it (for the rate limit) and who to name on the report; the thread it
    continues (`thread`, see `translate.conversation`) and the channel's backend."""

    question: str
    user: str
    refresh: bool = False
    asked_by: str | None = None
    thread: str | None = None
    is_standalone: bool = False  # a clicked follow-up: a turn of the thread, asked as written
    backend: str | None = None
    renews: str | None = None  # the id of the answer a Refresh researches again


@dataclass(frozen=True, kw_only=True)
class AnsweringStyle:
    sections: SectionsMode = "container"
    placeholder_delay: float = PLACEHOLDER_DELAY_SECONDS
    quick_answer: float = QUICK_ANSWER_SECONDS
    progress_interval: float = PROGRESS_INTERVAL_SECONDS


class _LatestProgress:
    """The engine's progress callback: keeps the newest event and wakes the presenter; it never
    waits on Slack, so a slow Slack API never slows the research."""

    def __init__(self) -> None:
        self.latest: Progress | None = None
        self.changed = asyncio.Event()

    async def record(self, event: Progress) -> None:
        self.latest = event
        self.changed.set()


async def answer_question(
    desk: QuestionDesk, reply: SlackReply, ask: Ask, style: AnsweringStyle
) -> None:
    """Research `ask` and put the report (or the error) in `reply`'s place."""
    progress = _LatestProgress()
    if ask.renews is not None:
        asking = desk.refresh(PLATFORM, ask.user, ask.renews, progress=progress.record)
    else:
        asking = desk.ask(
            PLATFORM,
            ask.user,
            ask.question,
            refresh=ask.refresh,
            progress=progress.record,
            thread=ask.thread,
            is_standalone=ask.is_standalone,
            backend=ask.backend,
        )
    research = asyncio.ensure_future(asking)
    try:
        try:
            await _show_progress(research, progress, reply, ask, style)
        except Exception:  # Slack refused the placeholder; the report may still get through
            log.warning("could not show progress in Slack", exc_info=True)
        outcome = await research
        await _deliver(desk, reply, ask, outcome, style)
    except asyncio.CancelledError:
        research.cancel()
        await last_words(_fail(reply, ask, asyncio.CancelledError()))
        raise
    except Exception as exc:
        await _fail(reply, ask, exc)
    finally:
        with contextlib.suppress(Exception):
            await reply.clear_status()


async def _show_progress(
    research: asyncio.Future[AskOutcome],
    progress: _LatestProgress,
    reply: SlackReply,
    ask: Ask,
    style: AnsweringStyle,
) -> None:
    """Until the research ends: the placeholder once it is worth showing (research started a
    moment ago, or the answer is slow to come), then progress at most once an interval."""
    loop = asyncio.get_running_loop()
    placeholder_at = loop.time() + style.placeholder_delay
    shown_at: float | None = None
    shown: Progress | None = None
    while not research.done():
        now = loop.time()
        if shown_at is None:
            timeout: float | None = max(0.0, placeholder_at - now)
        elif progress.latest is not shown and reply.can_update_often:
            timeout = max(0.0, shown_at + style.progress_interval - now)
        else:
            timeout = None
        woken = asyncio.ensure_future(progress.changed.wait())
        waiting: list[asyncio.Future[Any]] = [research, woken]
        try:
            await asyncio.wait(waiting, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            woken.cancel()
        progress.changed.clear()
        if research.done():
            return
        now = loop.time()
        latest = progress.latest
        if shown_at is None:
            if latest is not None and latest.stage is not Stage.DONE:  # researching: not a hit
                placeholder_at = min(placeholder_at, now + style.quick_answer)
            if now >= placeholder_at:
                await reply.send(render_working(ask.question, latest, asked_by=ask.asked_by))
                await reply.show_status()
                shown_at, shown = loop.time(), latest
        elif (
            latest is not shown
            and reply.can_update_often
            and now - shown_at >= style.progress_interval
        ):
            await reply.send(render_working(ask.question, latest, asked_by=ask.asked_by))
            shown_at, shown = loop.time(), latest


async def _deliver(
    desk: QuestionDesk, reply: SlackReply, ask: Ask, outcome: AskOutcome, style: AnsweringStyle
) -> None:
    answer = outcome.answer
    message = render_report(
        answer,
        sections=style.sections,
        view=ReportView(answer.id, asked_by=ask.asked_by),
        is_stale=desk.is_stale(answer),
    )
    # A reply in the report's thread continues this conversation: remembered as the report is
    # sent (when its thread is known), so a follow-up sent the moment it appears finds it.
    if reply.thread_ts is not None and not reply.private:
        thread = translate.conversation(reply.channel, reply.thread_ts)
        await asyncio.gather(desk.continue_thread(PLATFORM, thread, outcome), reply.send(message))
    else:
        await reply.send(message)
    if reply.thread_ts is None and reply.ts is not None and not reply.private:
        await desk.continue_thread(
            PLATFORM, translate.conversation(reply.channel, reply.ts), outcome
        )


async def _fail(reply: SlackReply, ask: Ask, exc: BaseException) -> None:
    """The error in the placeholder's place; a refusal the asker can act on goes to them alone."""
    text = RESTARTING if isinstance(exc, asyncio.CancelledError) else describe_error(exc)
    if isinstance(exc, QuestionError | RateLimited):
        if reply.is_posted:
            await reply.send(render_failure(text))
        else:
            await reply.tell_asker(render_notice(text))
        return
    if not isinstance(exc, asyncio.CancelledError):
        # the engine logged research failures already; anything else needs its traceback
        log.warning(
            "answering %r in Slack failed: %s",
            ask.question[:80],
            exc,
            exc_info=not isinstance(exc, ResearchFailed),
        )
    retry = RetryRequest(ask.question, ask.refresh, ask.asked_by, ask.thread, ask.renews)
    try:
        await reply.send(render_failure(text, retry=retry))
    except Exception:
        log.error("could not show the error in Slack either", exc_info=True)


@dataclass
class SlackAnswering:
    """What the listeners share: the desk, the Web API client and the background tasks."""

    desk: QuestionDesk
    client: AsyncWebClient
    tasks: BackgroundTasks
    style: AnsweringStyle
    status: AssistantStatus
    reaction: str = "mag"  # the emoji (its Slack name) that fact-checks a message

    def reply(
        self,
        *,
        channel: str,
        user: str,
        thread_ts: str | None = None,
        ts: str | None = None,
        response_url: str | None = None,
        private: bool = False,
    ) -> SlackReply:
        return SlackReply(
            self.client,
            channel=channel,
            user=user,
            thread_ts=thread_ts,
            ts=ts,
            response_url=response_url,
            status=self.status,
            private=private,
        )

    def ask(self, reply: SlackReply, ask: Ask) -> None:
        self.tasks.spawn(answer_question(self.desk, reply, ask, self.style), name="slack-answer")

    def later(self, work: Coroutine[Any, Any, None]) -> None:
        self.tasks.spawn(work, name="slack-click")

    async def notice(self, reply: SlackReply, text: str) -> None:
        await reply.send(render_notice(text))

    async def ask_or_explain(self, reply: SlackReply, ask: Ask, how_to_ask: str) -> None:
        """Answer `ask`, or say how to ask (no question) or that factbot is restarting."""
        refusal = self.desk.refusal(ask.question, how_to_ask=how_to_ask)
        if refusal is not None:
            await self.notice(reply, refusal)
        else:
            self.ask(reply, ask)


async def guarded(respond: AsyncRespond, work: Awaitable[None]) -> None:
    """A click's (or a settings command's) work; a failure is told to that person only."""
    try:
        await work
    except Exception as exc:
        log.warning("a Slack button failed: %s", exc, exc_info=True)
        await respond(text=describe_error(exc), response_type="ephemeral", replace_original=False)
