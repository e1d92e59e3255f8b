"""The bolt `AsyncApp`, its middleware and the ways to ask: acknowledge first, then answer in
the background.

Ways to ask: @mention (answered in its thread; inside a thread, a follow-up
that remembers the thread's earlier questions), a direct message (in a DM
thread, a follow-up too), `/factcheck QUESTION`, the "Fact-check this
message" shortcut, and, in a channel with "answer every question" on, any
message that ends with `?`. A retried event is dropped by a middleware here.
Whether a channel takes questions, and how, is the desk's rule
(`ChannelRules.admission`).

The other listeners live beside these, one module each, and `build_app`
registers them all: a reaction on a message (`reactions`), the clicks on
factbot's buttons (`clicks`), `/factcheck-settings` (`settings`) and the App
Home tab (`home`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.logger import get_bolt_logger
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_bolt.response import BoltResponse

from adapters.channels import Trigger
from adapters.desk import QuestionDesk
from adapters.slack import translate
from adapters.slack.answering import HOW_TO_MENTION, Ask, SlackAnswering
from adapters.slack.clicks import register_clicks
from adapters.slack.home import register_home
from adapters.slack.reactions import register_reactions
from adapters.slack.render import render_notice
from adapters.slack.settings import register_settings_command
from adapters.slack.translate import PLATFORM
from adapters.wording import NO_TEXT_TO_CHECK
from answers.channels import ChannelScope

__all__ = ["COMMAND", "SHORTCUT_CALLBACK_ID", "build_app"]

log = logging.getLogger(__name__)

COMMAND = "/factcheck"
SHORTCUT_CALLBACK_ID = "factcheck_message"
HOW_TO_COMMAND = f"{COMMAND} QUESTION"

Payload = dict[str, Any]


def build_app(answering: SlackAnswering, *, signing_secret: str) -> AsyncApp:
    """An `AsyncApp` on `answering.client`, every listener registered."""
    _quiet_token_notice()
    app = AsyncApp(
        client=answering.client,
        signing_secret=signing_secret,
        process_before_response=False,
        name="factbot",
    )
    app.middleware(_drop_repeats(answering.desk))
    _register_questions(app, answering)
    register_reactions(app, answering)
    register_clicks(app, answering)
    register_settings_command(app, answering)
    register_home(app, answering)

    @app.error
    async def on_error(error: Exception, body: Payload) -> None:
        log.error("Slack listener failed for a %s request", body.get("type"), exc_info=error)

    return app


class _SameTokenNotice(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment by itself, then warns that the client's
    token wins: it is the same token, so the warning only alarms whoever starts factbot."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


def _quiet_token_notice() -> None:
    bolt_log = get_bolt_logger(AsyncApp)
    if not any(isinstance(f, _SameTokenNotice) for f in bolt_log.filters):
        bolt_log.addFilter(_SameTokenNotice())


REPEATED_MESSAGE = "factbot_repeated_message"  # context key: the mention's message was seen


def _drop_repeats(desk: QuestionDesk) -> Callable[..., Awaitable[BoltResponse | None]]:
    async def drop_repeated_events(
        body: Payload, context: AsyncBoltContext, next: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        event_id = translate.event_id(body)
        if event_id is None:
            await next()
            return None
        event = body.get("event") or {}
        if event.get("type") == "app_mention":
            # Editing a mention makes Slack send it again with a new event id: its message is
            # checked too, in the same round trip to the store.
            first, first_message = await desk.first_times(
                PLATFORM, event_id, translate.message_key(event)
            )
            context[REPEATED_MESSAGE] = not first_message
        else:
            first = await desk.first_time(PLATFORM, event_id)
        if not first:
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
        repeated = context.get(REPEATED_MESSAGE)
        if repeated is None:  # not seen by the middleware (no event id)
            repeated = not await answering.desk.first_time(PLATFORM, translate.message_key(event))
        if repeated:
            log.info("dropped a repeated mention in message %s", event.get("ts"))
            return
        channel = event["channel"]
        reply = answering.reply(
            channel=channel, user=event["user"], thread_ts=translate.reply_thread(event)
        )
        admission = await answering.desk.channels.admission(
            _scope(context, channel), Trigger.MENTION
        )
        if not admission.is_admitted:
            if admission.notice:
                await reply.tell_asker(render_notice(admission.notice))
            return
        thread_ts = event.get("thread_ts")
        # A mention inside a thread is a follow-up: the thread's earlier questions are its context.
        thread = translate.conversation(channel, thread_ts) if thread_ts else None
        question = translate.question_from_mention(event.get("text", ""), context.bot_user_id)
        ask = Ask(question, event["user"], thread=thread, backend=admission.backend)
        await answering.ask_or_explain(reply, ask, HOW_TO_MENTION)

    @app.event("message")
    async def on_message(event: Payload, context: AsyncBoltContext) -> None:
        if translate.is_channel_question(event, context.bot_user_id):
            await _every_question(answering, event, context)
            return
        if not translate.is_dm_question(event):
            return
        thread_ts = event.get("thread_ts")
        reply = answering.reply(channel=event["channel"], user=event["user"], thread_ts=thread_ts)
        # Any message in a DM thread continues it.
        thread = translate.conversation(event["channel"], thread_ts) if thread_ts else None
        question = translate.question_from_mention(event.get("text", ""), context.bot_user_id)
        await answering.ask_or_explain(
            reply, Ask(question, event["user"], thread=thread), "QUESTION"
        )

    @app.command(COMMAND)
    async def on_command(
        ack: AsyncAck, command: Payload, respond: AsyncRespond, context: AsyncBoltContext
    ) -> None:
        question = translate.question_from_mention(command.get("text", ""), None)
        refusal = answering.desk.refusal(question, how_to_ask=HOW_TO_COMMAND)
        if refusal is not None:
            await ack(text=refusal)
            return
        await ack()  # the channel's settings are read after: the ack never waits on Redis
        channel = command["channel_id"]
        admission = await answering.desk.channels.admission(
            _scope(context, channel), Trigger.COMMAND
        )
        if not admission.is_admitted:
            await respond(text=admission.notice or "", response_type="ephemeral")
            return
        user = command["user_id"]
        reply = answering.reply(
            channel=channel,
            user=user,
            response_url=command.get("response_url"),
            private=admission.private,
        )
        answering.ask(reply, Ask(question, user, asked_by=user, backend=admission.backend))

    @app.message_shortcut(SHORTCUT_CALLBACK_ID)
    async def on_shortcut(
        ack: AsyncAck, shortcut: Payload, respond: AsyncRespond, context: AsyncBoltContext
    ) -> None:
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
        admission = await answering.desk.channels.admission(
            _scope(context, channel), Trigger.COMMAND
        )
        if not admission.is_admitted:
            await respond(text=admission.notice or "", response_type="ephemeral")
            return
        reply = answering.reply(
            channel=channel,
            user=user,
            thread_ts=translate.reply_thread(message),
            response_url=shortcut.get("response_url"),
            private=admission.private,
        )
        answering.ask(reply, Ask(question, user, asked_by=user, backend=admission.backend))


def _scope(context: AsyncBoltContext, channel: str) -> ChannelScope | None:
    """Where a channel's settings live; None in a DM, which always answers."""
    return translate.channel_scope(context.team_id or context.enterprise_id, channel)


async def _every_question(
    answering: SlackAnswering, event: Payload, context: AsyncBoltContext
) -> None:
    """A channel message ending with `?`: answered in its thread when the channel answers every
    question (once per message, within the channel's rate limit); silence otherwise."""
    scope = _scope(context, event["channel"])
    if scope is None or not answering.desk.accepting:
        return
    question = translate.question_from_mention(str(event.get("text") or ""), None)
    message = f"{event['channel']}:{event['ts']}"
    admission = await answering.desk.channels.every_question(scope, message, question)
    if not admission.is_admitted:
        return
    reply = answering.reply(channel=event["channel"], user=event["user"], thread_ts=event["ts"])
    answering.ask(reply, Ask(question, event["user"], backend=admission.backend))
