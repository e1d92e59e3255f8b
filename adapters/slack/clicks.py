"""The clicks on factbot's buttons in Slack: follow-ups, Show/Hide details, Refresh, Try again,
feedback.

Each listener acknowledges at once; the work (finding the stored answer,
researching, updating the message) runs in the background, and a failure is
told only to the person who clicked. The click rules themselves (an expired
answer, an expired follow-up, votes) are the desk's.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond

from adapters.channels import Trigger
from adapters.slack import controls, translate
from adapters.slack.answering import HOW_TO_MENTION, Ask, SlackAnswering, guarded
from adapters.slack.controls import FollowUpRef, ReportView, RetryRequest
from adapters.slack.render import render_report
from adapters.slack.reply import SlackReply
from adapters.slack.translate import PLATFORM
from adapters.wording import thanks_for_vote
from answers.channels import ChannelScope

__all__ = ["register_clicks"]

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
        await guarded(respond, _vote(answering, body, respond))


ClickWork = Callable[[SlackAnswering, Payload], Awaitable[None]]


def _in_background(answering: SlackAnswering, work: ClickWork) -> Callable[..., Awaitable[None]]:
    """A listener that acknowledges the click, then does `work` in the background."""

    async def listener(ack: AsyncAck, body: Payload, respond: AsyncRespond) -> None:
        await ack()
        answering.later(guarded(respond, work(answering, body)))

    listener.__name__ = f"on_{work.__name__.lstrip('_')}"  # bolt logs listeners by name
    return listener


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


async def _click_admission(answering: SlackAnswering, body: Payload) -> str | None:
    """The backend for a click's question; raises `ChannelDisabled` where factbot is off."""
    channel = str(body["channel"]["id"])
    team = (body.get("team") or {}).get("id") or body["user"].get("team_id")
    scope = None
    if team and not translate.is_direct_channel(channel):
        scope = ChannelScope(PLATFORM, str(team), channel)
    admission = await answering.desk.channels.admission(scope, Trigger.CLICK)
    admission.require()
    return admission.backend


async def _follow_up(answering: SlackAnswering, body: Payload) -> None:
    ref = FollowUpRef.decode(translate.action_value(body))
    label = translate.action_label(body)
    backend = await _click_admission(answering, body)
    question = await answering.desk.follow_up(ref.answer_id, ref.index, label=label)
    user = body["user"]["id"]
    channel = body["channel"]["id"]
    message = body.get("message") or {}
    reply = answering.reply(
        channel=channel, user=user, thread_ts=translate.followup_thread(channel, message)
    )
    # A clicked follow-up is a turn of the thread the report is in.
    thread_ts = message.get("thread_ts") or message.get("ts")
    ask = Ask(
        question,
        user,
        asked_by=user,
        thread=translate.conversation(channel, str(thread_ts)) if thread_ts else None,
        is_standalone=True,
        backend=backend,
    )
    await answering.ask_or_explain(reply, ask, HOW_TO_MENTION)


async def _toggle_section(answering: SlackAnswering, body: Payload) -> None:
    view = ReportView.decode(translate.action_value(body))
    answer = await answering.desk.answer(view.answer_id)
    message = render_report(
        answer, sections="buttons", view=view, is_stale=answering.desk.is_stale(answer)
    )
    await _reply_in_place(answering, body).send(message)


async def _refresh(answering: SlackAnswering, body: Payload) -> None:
    view = ReportView.decode(translate.action_value(body))
    await _click_admission(answering, body)
    answer = await answering.desk.answer(view.answer_id)
    reply = _reply_in_place(answering, body)
    ask = Ask(
        answer.question,
        body["user"]["id"],
        refresh=True,
        asked_by=view.asked_by,
        renews=answer.id,  # researched as it was understood, by the backend that wrote it
    )
    await answering.ask_or_explain(reply, ask, HOW_TO_MENTION)


async def _try_again(answering: SlackAnswering, body: Payload) -> None:
    retry = RetryRequest.decode(translate.action_value(body))
    backend = await _click_admission(answering, body)
    reply = _reply_in_place(answering, body)
    ask = Ask(
        retry.question,
        body["user"]["id"],
        retry.refresh,
        retry.asked_by,
        thread=retry.thread,  # asked again as it was: a follow-up keeps its thread
        backend=backend,
        renews=retry.renews,
    )
    await answering.ask_or_explain(reply, ask, HOW_TO_MENTION)


async def _vote(answering: SlackAnswering, body: Payload, respond: AsyncRespond) -> None:
    vote, answer_id = controls.decode_vote(translate.action_value(body))
    tally = await answering.desk.vote(answer_id, body["user"]["id"], vote)
    await respond(
        text=thanks_for_vote(vote, tally), response_type="ephemeral", replace_original=False
    )
