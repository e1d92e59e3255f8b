"""Clicks on factbot's buttons: follow-ups, Show/Hide details, Refresh, Try again, feedback.

Each listener acknowledges at once; the work (finding the stored answer,
researching, updating the message) runs in the background, and a failure is
told only to the person who clicked.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond

from adapters.slack import controls, translate
from adapters.slack.asking import Ask, SlackAnswering
from adapters.slack.controls import FollowUpRef, ReportView, RetryRequest
from adapters.slack.render import render_report
from adapters.slack.reply import SlackReply
from adapters.wording import describe_error, thanks_for_vote

log = logging.getLogger(__name__)

HOW_TO_ASK = "@factbot QUESTION"

Payload = dict[str, Any]


def register_clicks(app: AsyncApp, answering: SlackAnswering) -> None:
    """The listeners for factbot's buttons; each acknowledges, then works in the background."""

    background: tuple[tuple[str | re.Pattern[str], ClickWork], ...] = (
        (controls.FOLLOW_UP_PATTERN, _follow_up),
        (controls.SECTION_PATTERN, _toggle_section),
        (controls.REFRESH, _refresh),
        (controls.TRY_AGAIN, _try_again),
    )
    for action, work in background:
        app.action(action)(_in_background(answering, work))

    @app.action(controls.FEEDBACK)
    async def on_feedback(ack: AsyncAck, body: Payload, respond: AsyncRespond) -> None:
        await ack()
        await _guarded(respond, _vote(answering, body, respond))


ClickWork = Callable[[SlackAnswering, Payload], Awaitable[None]]


def _in_background(answering: SlackAnswering, work: ClickWork) -> Callable[..., Awaitable[None]]:
    """A listener that acknowledges the click, then does `work` in the background."""

    async def listener(ack: AsyncAck, body: Payload, respond: AsyncRespond) -> None:
        await ack()
        answering.later(_guarded(respond, work(answering, body)))

    listener.__name__ = f"on_{work.__name__.lstrip('_')}"  # bolt logs listeners by name
    return listener


async def _guarded(respond: AsyncRespond, work: Awaitable[None]) -> None:
    """A click's work; a failure is told to the person who clicked (only them)."""
    try:
        await work
    except Exception as exc:
        log.warning("a Slack button failed: %s", exc, exc_info=True)
        await respond(text=describe_error(exc), response_type="ephemeral", replace_original=False)


def _reply_in_place(answering: SlackAnswering, body: Payload) -> SlackReply:
    """A reply that replaces the clicked message."""
    container = body.get("container") or {}
    message = body.get("message") or {}
    return answering.reply(
        channel=str(container.get("channel_id") or body["channel"]["id"]),
        user=body["user"]["id"],
        thread_ts=message.get("thread_ts"),
        ts=str(container.get("message_ts") or message["ts"]),
    )


async def _follow_up(answering: SlackAnswering, body: Payload) -> None:
    ref = FollowUpRef.decode(translate.action_value(body))
    question = await answering.desk.follow_up(ref.answer_id, ref.index)
    user = body["user"]["id"]
    channel = body["channel"]["id"]
    reply = answering.reply(
        channel=channel,
        user=user,
        thread_ts=translate.followup_thread(channel, body.get("message") or {}),
    )
    await answering.ask_or_explain(reply, Ask(question, user, asked_by=user), HOW_TO_ASK)


async def _toggle_section(answering: SlackAnswering, body: Payload) -> None:
    view = ReportView.decode(translate.action_value(body))
    answer = await answering.desk.answer(view.answer_id)
    message = render_report(
        answer, sections="buttons", view=view, is_stale=answering.desk.is_stale(answer)
    )
    await _reply_in_place(answering, body).send(message)


async def _refresh(answering: SlackAnswering, body: Payload) -> None:
    view = ReportView.decode(translate.action_value(body))
    answer = await answering.desk.answer(view.answer_id)
    reply = _reply_in_place(answering, body)
    ask = Ask(answer.question, body["user"]["id"], refresh=True, asked_by=view.asked_by)
    await answering.ask_or_explain(reply, ask, HOW_TO_ASK)


async def _try_again(answering: SlackAnswering, body: Payload) -> None:
    retry = RetryRequest.decode(translate.action_value(body))
    reply = _reply_in_place(answering, body)
    ask = Ask(retry.question, body["user"]["id"], retry.refresh, retry.asked_by)
    await answering.ask_or_explain(reply, ask, HOW_TO_ASK)


async def _vote(answering: SlackAnswering, body: Payload, respond: AsyncRespond) -> None:
    vote, answer_id = controls.decode_vote(translate.action_value(body))
    tally = await answering.desk.vote(answer_id, body["user"]["id"], vote)
    await respond(
        text=thanks_for_vote(vote, tally), response_type="ephemeral", replace_original=False
    )
