"""Fact-checking a message by reacting to it in Slack (the reaction emoji, 🔍 by default).

The message reacted to is read from the channel's history (or its thread),
and its text is fact-checked in its thread, once per message however many
people react. Whether the channel takes questions is the desk's rule
(`ChannelRules.admission`); a disabled channel stays silent.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_sdk.errors import SlackApiError

from adapters.channels import Trigger
from adapters.slack import translate
from adapters.slack.answering import Ask, SlackAnswering
from adapters.slack.render import render_notice
from adapters.slack.reply import SlackReply
from adapters.slack.translate import PLATFORM
from adapters.wording import NO_TEXT_TO_CHECK, describe_error
from answers import ShuttingDown

__all__ = ["CANNOT_READ", "OWN_MESSAGE", "register_reactions"]

log = logging.getLogger(__name__)

OWN_MESSAGE = "That's one of my own messages. React to the message you want fact-checked."
CANNOT_READ = (
    "I can't read that message. Invite me to the channel (/invite @factbot) and react again."
)

Payload = dict[str, Any]


def register_reactions(app: AsyncApp, answering: SlackAnswering) -> None:
    @app.event("reaction_added")
    async def on_reaction(event: Payload, context: AsyncBoltContext) -> None:
        item = event.get("item") or {}
        if event.get("reaction") != answering.reaction or item.get("type") != "message":
            return
        channel, ts, user = str(item.get("channel")), str(item.get("ts")), event.get("user")
        if not user or user == context.bot_user_id:
            return
        scope = translate.channel_scope(context.team_id or context.enterprise_id, channel)
        admission = await answering.desk.channels.admission(scope, Trigger.REACTION)
        if not admission.is_admitted:
            return
        reply = answering.reply(channel=channel, user=str(user), thread_ts=ts)
        if not answering.desk.accepting:
            await reply.tell_asker(render_notice(describe_error(ShuttingDown())))
            return
        # One answer per message, however many people react.
        if not await answering.desk.channels.claim_message(PLATFORM, f"{channel}:{ts}"):
            return
        await _fact_check_reacted(answering, reply, context, ts, admission.backend)


async def _read_message(answering: SlackAnswering, channel: str, ts: str) -> Payload | None:
    """The message at `ts`: from the channel's history, else (a reply in a thread) from the
    thread; None when Slack has no such message. Raises `SlackApiError`."""
    history = await answering.client.conversations_history(
        channel=channel, latest=ts, oldest=ts, inclusive=True, limit=1
    )
    for message in history.get("messages") or []:
        if message.get("ts") == ts:
            return dict(message)
    replies = await answering.client.conversations_replies(
        channel=channel, ts=ts, latest=ts, oldest=ts, inclusive=True, limit=1
    )
    for message in replies.get("messages") or []:
        if message.get("ts") == ts:
            return dict(message)
    return None


async def _fact_check_reacted(
    answering: SlackAnswering,
    reply: SlackReply,
    context: AsyncBoltContext,
    ts: str,
    backend: str | None,
) -> None:
    """Read the message reacted to and fact-check its text, answered in its thread."""
    try:
        message = await _read_message(answering, reply.channel, ts)
    except SlackApiError as exc:
        log.warning("could not read a reacted message: %s", exc.response.get("error"))
        message = None
    if message is None:
        await reply.tell_asker(render_notice(CANNOT_READ))
        return
    if translate.is_own_message(message, bot_user_id=context.bot_user_id, bot_id=context.bot_id):
        await reply.tell_asker(render_notice(OWN_MESSAGE))
        return
    question = translate.message_text(message)
    if not question:
        await reply.tell_asker(render_notice(NO_TEXT_TO_CHECK))
        return
    reply.thread_ts = translate.reply_thread(message)
    answering.ask(reply, Ask(question, reply.user, asked_by=reply.user, backend=backend))
