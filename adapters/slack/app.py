"""The bolt `AsyncApp` and its listeners: acknowledge first, then answer in the background.

Ways to ask: @mention (answered in its thread), a direct message, `/factcheck
QUESTION`, and the "Fact-check this message" shortcut. The buttons' listeners
live in `clicks.py`; a retried event is dropped by a middleware here.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.response import BoltResponse

from adapters.desk import QuestionDesk
from adapters.slack import translate
from adapters.slack.asking import PLATFORM, Ask, SlackAnswering
from adapters.slack.clicks import register_clicks
from adapters.slack.render import render_notice
from adapters.wording import NO_TEXT_TO_CHECK, RESTARTING, usage

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
    register_clicks(app, answering)

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
        if not question:
            await ack(text=usage(HOW_TO_COMMAND))
            return
        if not answering.tasks.accepting:
            await ack(text=RESTARTING)
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
        if not question or not answering.tasks.accepting:
            text = RESTARTING if question else f"{NO_TEXT_TO_CHECK} {usage(HOW_TO_COMMAND)}"
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
