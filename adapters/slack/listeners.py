"""The bolt `AsyncApp` and every listener: acknowledge first, then answer in the background.

Ways to ask: @mention (answered in its thread), a direct message, `/factcheck
QUESTION`, and the "Fact-check this message" shortcut; then the clicks on
factbot's buttons (follow-ups, Show/Hide details, Refresh, Try again,
feedback). A retried event is dropped by a middleware here. A click's work
(finding the stored answer, researching, updating the message) runs in the
background, and a failure is told only to the person who clicked.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.response import BoltResponse

from adapters.desk import QuestionDesk
from adapters.slack import controls, translate
from adapters.slack.answering import PLATFORM, Ask, SlackAnswering
from adapters.slack.controls import FollowUpRef, ReportView, RetryRequest
from adapters.slack.render import render_notice, render_report
from adapters.slack.reply import SlackReply
from adapters.wording import NO_TEXT_TO_CHECK, describe_error, thanks_for_vote

log = logging.getLogger(__name__)

COMMAND = "/factcheck"
SHORTCUT_CALLBACK_ID = "factcheck_message"
HOW_TO_MENTION = "@factbot QUESTION"
HOW_TO_COMMAND = f"{COMMAND} QUESTION"

Payload = dict[str, Any]


def build_app(answering: SlackAnswering, *, signing_secret: str) -> AsyncApp:
    """An `AsyncApp` on `answering.client`, every listener registered."""
    app = AsyncApp(
        client=answering.client,
        signing_secret=signing_secret,
        process_before_response=False,
        name="factbot",
    )
    app.middleware(_drop_repeats(answering.desk))
    _register_questions(app, answering)
    _register_clicks(app, answering)

    @app.error
    async def on_error(error: Exception, body: Payload) -> None:
        log.error("Slack listener failed for a %s request", body.get("type"), exc_info=error)

    return app


def _drop_repeats(desk: QuestionDesk) -> Callable[..., Awaitable[BoltResponse | None]]:
    async def drop_repeated_events(
        body: Payload, next: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        event_id = translate.event_id(body)
        if event_id is not None and not await desk.first_time(PLATFORM, event_id):
            log.info("dropped a repeated Slack event %s", event_id)
            return BoltResponse(status=200, body="")
        await next()
        return None

    return drop_repeated_events


# --- ways to ask -------------------------------------------------------------------------


def _register_questions(app: AsyncApp, answering: SlackAnswering) -> None:
    @app.event("app_mention")
    async def on_mention(event: Payload, context: AsyncBoltContext) -> None:
        if translate.is_from_bot(event) or not event.get("user"):
            return  # no person asked
        if translate.is_direct_channel(event["channel"]):
            return  # a DM arrives as message.im too: answered there
        # Editing a mention makes Slack send app_mention again, with a new event id.
        if not await answering.desk.first_time(PLATFORM, translate.message_key(event)):
            log.info("dropped a repeated mention in message %s", event.get("ts"))
            return
        reply = answering.reply(
            channel=event["channel"], user=event["user"], thread_ts=translate.reply_thread(event)
        )
        question = translate.question_from_mention(event.get("text", ""), context.bot_user_id)
        await answering.ask_or_explain(reply, Ask(question, event["user"]), HOW_TO_MENTION)

    @app.event("message")
    async def on_message(event: Payload, context: AsyncBoltContext) -> None:
        if not translate.is_dm_question(event):
            return
        reply = answering.reply(
            channel=event["channel"], user=event["user"], thread_ts=event.get("thread_ts")
        )
        question = translate.question_from_mention(event.get("text", ""), context.bot_user_id)
        await answering.ask_or_explain(reply, Ask(question, event["user"]), "QUESTION")

    @app.command(COMMAND)
    async def on_command(ack: AsyncAck, command: Payload) -> None:
        question = translate.question_from_mention(command.get("text", ""), None)
        refusal = answering.desk.refusal(question, how_to_ask=HOW_TO_COMMAND)
        if refusal is not None:
            await ack(text=refusal)
            return
        await ack()
        user = command["user_id"]
        reply = answering.reply(
            channel=command["channel_id"], user=user, response_url=command.get("response_url")
        )
        answering.ask(reply, Ask(question, user, asked_by=user))

    @app.message_shortcut(SHORTCUT_CALLBACK_ID)
    async def on_shortcut(ack: AsyncAck, shortcut: Payload, respond: AsyncRespond) -> None:
        await ack()
        message = shortcut.get("message") or {}
        question = translate.message_text(message)
        refusal = answering.desk.refusal(question, how_to_ask=HOW_TO_COMMAND)
        if refusal is not None:
            text = refusal if question else f"{NO_TEXT_TO_CHECK} {refusal}"
            await respond(text=render_notice(text)["text"], response_type="ephemeral")
            return
        user = shortcut["user"]["id"]
        channel = shortcut["channel"]["id"]
        reply = answering.reply(
            channel=channel,
            user=user,
            thread_ts=translate.reply_thread(message),
            response_url=shortcut.get("response_url"),
        )
        answering.ask(reply, Ask(question, user, asked_by=user))


# --- clicks on factbot's buttons ---------------------------------------------------


def _register_clicks(app: AsyncApp, answering: SlackAnswering) -> None:
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
    label = translate.action_label(body)
    question = await answering.desk.follow_up(ref.answer_id, ref.index, label=label)
    user = body["user"]["id"]
    channel = body["channel"]["id"]
    reply = answering.reply(
        channel=channel,
        user=user,
        thread_ts=translate.followup_thread(channel, body.get("message") or {}),
    )
    await answering.ask_or_explain(reply, Ask(question, user, asked_by=user), HOW_TO_MENTION)


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
    await answering.ask_or_explain(reply, ask, HOW_TO_MENTION)


async def _try_again(answering: SlackAnswering, body: Payload) -> None:
    retry = RetryRequest.decode(translate.action_value(body))
    reply = _reply_in_place(answering, body)
    ask = Ask(retry.question, body["user"]["id"], retry.refresh, retry.asked_by)
    await answering.ask_or_explain(reply, ask, HOW_TO_MENTION)


async def _vote(answering: SlackAnswering, body: Payload, respond: AsyncRespond) -> None:
    vote, answer_id = controls.decode_vote(translate.action_value(body))
    tally = await answering.desk.vote(answer_id, body["user"]["id"], vote)
    await respond(
        text=thanks_for_vote(vote, tally), response_type="ephemeral", replace_original=False
    )
