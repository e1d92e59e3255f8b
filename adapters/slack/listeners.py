"""The bolt `AsyncApp` and every listener: acknowledge first, then answer in the background.

Ways to ask: @mention (answered in its thread; inside a thread, a follow-up
that remembers the thread's earlier questions), a direct message (in a DM
thread, a follow-up too), `/factcheck QUESTION`, the "Fact-check this
message" shortcut, a 🔍 reaction on any message factbot can read, and, in a
channel with "answer every question" on, any message that ends with `?`;
then the clicks on factbot's buttons (follow-ups, Show/Hide details,
Refresh, Try again, feedback) and the settings (`/factcheck-settings` and the
App Home tab, for workspace admins). A retried event is dropped by a
middleware here. A click's work (finding the stored answer, researching,
updating the message) runs in the background, and a failure is told only to
the person who clicked. Whether a channel takes questions, and how, is the
desk's rule (`ChannelRules.admission`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.logger import get_bolt_logger
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError

from adapters.channels import Trigger
from adapters.desk import QuestionDesk
from adapters.slack import controls, settings, translate
from adapters.slack.answering import PLATFORM, Ask, SlackAnswering
from adapters.slack.controls import FollowUpRef, ReportView, RetryRequest
from adapters.slack.render import render_notice, render_report
from adapters.slack.reply import SlackReply
from adapters.wording import NO_TEXT_TO_CHECK, describe_error, thanks_for_vote
from answers import ShuttingDown
from answers.channels import ChannelScope

log = logging.getLogger(__name__)

COMMAND = "/factcheck"
SHORTCUT_CALLBACK_ID = "factcheck_message"
HOW_TO_MENTION = "@factbot QUESTION"
HOW_TO_COMMAND = f"{COMMAND} QUESTION"
OWN_MESSAGE = "That's one of my own messages. React to the message you want fact-checked."
CANNOT_READ = (
    "I can't read that message. Invite me to the channel (/invite @factbot) and react again."
)

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
    _register_reactions(app, answering)
    _register_clicks(app, answering)
    _register_settings(app, answering)

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
    workspace = context.team_id or context.enterprise_id
    if translate.is_direct_channel(channel) or not workspace:
        return None
    try:
        return ChannelScope(PLATFORM, workspace, channel)
    except ValueError:  # not an id Slack makes: no settings to apply
        return None


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


# --- fact-checking a message by reacting to it ---------------------------------------------


def _register_reactions(app: AsyncApp, answering: SlackAnswering) -> None:
    @app.event("reaction_added")
    async def on_reaction(event: Payload, context: AsyncBoltContext) -> None:
        item = event.get("item") or {}
        if event.get("reaction") != answering.reaction or item.get("type") != "message":
            return
        channel, ts, user = str(item.get("channel")), str(item.get("ts")), event.get("user")
        if not user or user == context.bot_user_id:
            return
        scope = _scope(context, channel)
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


# --- settings, for workspace admins -------------------------------------------------------


def _register_settings(app: AsyncApp, answering: SlackAnswering) -> None:
    @app.command(settings.SETTINGS_COMMAND)
    async def on_settings_command(
        ack: AsyncAck, command: Payload, respond: AsyncRespond, context: AsyncBoltContext
    ) -> None:
        await ack()  # who may, and the settings, are looked up after: never in the 3 seconds
        await _guarded(respond, _settings_command(answering, command, respond, context))

    @app.event("app_home_opened")
    async def on_home_opened(event: Payload, context: AsyncBoltContext) -> None:
        if event.get("tab") != "home" or not event.get("user"):
            return
        await _publish_home(answering, str(event["user"]), context.team_id, channel=None)

    @app.action(settings.SET_PATTERN)
    async def on_settings_set(ack: AsyncAck, body: Payload, context: AsyncBoltContext) -> None:
        await ack()
        channel, name, value = settings.decode_choice(translate.action_value(body))
        await _change_from_home(answering, body, context, channel, {name: value})

    @app.action(settings.BACKEND_ACTION)
    async def on_settings_backend(
        ack: AsyncAck, body: Payload, action: Payload, context: AsyncBoltContext
    ) -> None:
        await ack()
        selected = str((action.get("selected_option") or {}).get("value") or "")
        channel, name, value = settings.decode_choice(selected)
        await _change_from_home(answering, body, context, channel, {name: value})

    @app.action(settings.RESET_ACTION)
    async def on_settings_reset(ack: AsyncAck, body: Payload, context: AsyncBoltContext) -> None:
        await ack()
        channel = settings.decode_channel(translate.action_value(body))
        changes: settings.Changes = dict.fromkeys(
            ("enabled", "every_question", "private", "backend")
        )
        await _change_from_home(answering, body, context, channel, changes)

    @app.action(settings.CHANNEL_ACTION)
    async def on_settings_channel(
        ack: AsyncAck, body: Payload, action: Payload, context: AsyncBoltContext
    ) -> None:
        await ack()
        channel = action.get("selected_conversation")
        await _publish_home(
            answering, str(body["user"]["id"]), context.team_id, channel=channel or None
        )


async def _settings_command(
    answering: SlackAnswering, command: Payload, respond: AsyncRespond, context: AsyncBoltContext
) -> None:
    desk = answering.desk
    try:
        request = settings.parse_settings_command(str(command.get("text") or ""))
    except ValueError as exc:
        await respond(text=render_notice(str(exc))["text"], response_type="ephemeral")
        return
    refusal = await settings.admin_refusal(answering.client, str(command["user_id"]))
    if refusal is not None:
        await respond(text=refusal, response_type="ephemeral")
        return
    workspace = context.team_id or context.enterprise_id or ""
    channel = str(command.get("channel_id") or "")
    is_workspace = request.is_workspace or translate.is_direct_channel(channel)
    scope = ChannelScope(PLATFORM, workspace, None if is_workspace else channel)
    try:
        if request.changes:
            current = await desk.channels.change_settings(scope, request.changes)
        else:
            current = await desk.channels.settings(scope)
    except ValueError as exc:  # a backend that is not configured here
        await respond(text=render_notice(str(exc))["text"], response_type="ephemeral")
        return
    text = settings.describe(
        current,
        where="this workspace" if is_workspace else "this channel",
        backends=desk.channels.backend_names,
        default_backend=desk.channels.default_backend,
        with_usage=not request.changes,
    )
    await respond(text=render_notice(text)["text"], response_type="ephemeral")


async def _change_from_home(
    answering: SlackAnswering,
    body: Payload,
    context: AsyncBoltContext,
    channel: str | None,
    changes: settings.Changes,
) -> None:
    user = str(body["user"]["id"])
    workspace = context.team_id or context.enterprise_id or ""
    if await settings.admin_refusal(answering.client, user) is None:
        try:
            await answering.desk.channels.change_settings(
                ChannelScope(PLATFORM, workspace, channel), changes
            )
        except ValueError:
            log.warning("refused a settings change from the App Home", exc_info=True)
    shown = str((body.get("view") or {}).get("private_metadata") or "") or channel
    await _publish_home(answering, user, workspace, channel=shown)


async def _publish_home(
    answering: SlackAnswering, user: str, workspace: str | None, *, channel: str | None
) -> None:
    """The App Home tab for `user`: the settings with buttons for an admin, a refusal for anyone
    else."""
    desk = answering.desk
    if not workspace or await settings.admin_refusal(answering.client, user) is not None:
        view = settings.render_home_refusal(reaction=answering.reaction)
    else:
        channel_scope = ChannelScope(PLATFORM, workspace, channel) if channel else None
        state = settings.HomeState(
            workspace=await desk.channels.settings(ChannelScope(PLATFORM, workspace)),
            channel=channel,
            channel_settings=await desk.channels.settings(channel_scope) if channel_scope else None,
            channel_values=await desk.channels.values(channel_scope) if channel_scope else {},
            backends=desk.channels.backend_names,
            default_backend=desk.channels.default_backend,
        )
        view = settings.render_home(state)
    await answering.client.views_publish(user_id=user, view=view)
