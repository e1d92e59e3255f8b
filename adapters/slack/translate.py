"""Reading Slack payloads: pure predicates and extraction, no I/O.

Slack sends what people typed as mrkdwn (`<@U123>`, `<!channel>`,
`<https://…|label>`, `&amp;`); `plain_text` turns it back into the words
people saw, which is what factbot researches and later escapes again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from answers.channels import ChannelScope

__all__ = [
    "PLATFORM",
    "action_label",
    "action_value",
    "channel_scope",
    "event_id",
    "followup_thread",
    "is_direct_channel",
    "is_dm_question",
    "is_from_bot",
    "message_key",
    "message_text",
    "plain_text",
    "question_from_mention",
    "reply_thread",
]

PLATFORM = "slack"  # the platform part of factbot's keys (dedupe, rate limits, settings)

Payload = Mapping[str, Any]

_ANGLE = re.compile(r"<([^<>]*)>")
_MENTION = re.compile(r"<(?:[@#]|!(?:channel|here|everyone|subteam\^))[^<>]*>")
_DM_SUBTYPES = (None, "file_share", "thread_broadcast")


def plain_text(text: str) -> str:
    """Slack's mrkdwn as the text people saw: mentions as `@name`, links as their label."""
    return _unescape(_ANGLE.sub(_readable, text)).strip()


def _readable(match: re.Match[str]) -> str:
    inner = match.group(1)
    target, _, label = inner.partition("|")
    if target.startswith("@"):  # <@U123> or <@U123|name>
        return "@" + (label or target[1:])
    if target.startswith("#"):  # <#C123|general>
        return "#" + (label or target[1:])
    if target.startswith("!subteam^"):
        return label or "@group"
    if target.startswith("!date^"):
        return label
    if target.startswith("!"):  # <!channel>, <!here>, <!everyone>
        return "@" + target[1:]
    return label or target  # <https://…|label> or <mailto:…>


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def message_text(message: Payload) -> str:
    """The words of a message for the shortcut: its text, else what its attachments and blocks
    say (an app's message may carry no top-level text); empty for an image alone."""
    text = plain_text(str(message.get("text") or ""))
    if text:
        return text
    parts: list[str] = []
    for attachment in message.get("attachments") or []:
        if isinstance(attachment, Mapping):
            fields = [attachment.get(k) for k in ("pretext", "title", "text")]
            parts += [str(f) for f in fields if f] or [str(attachment.get("fallback") or "")]
    parts += _block_texts(message.get("blocks") or [])
    return " ".join(" ".join(plain_text(part) for part in parts).split())


def _block_texts(value: Any) -> list[str]:
    """Every `text` string in blocks (section, header, context, rich text), in order."""
    if isinstance(value, list):
        return [text for item in value for text in _block_texts(item)]
    if not isinstance(value, Mapping):
        return []
    found: list[str] = []
    for key, item in value.items():
        if key == "text" and isinstance(item, str):
            found.append(item)
        elif key in ("text", "elements", "fields") or isinstance(item, list):
            found += _block_texts(item)
    return found


def question_from_mention(text: str, bot_user_id: str | None) -> str:
    """The question in a message that mentions the bot, without the mention; empty when only
    mentions and marks are left ("@factbot @ana": nothing to research)."""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", " ", text)
    if not any(ch.isalnum() for ch in plain_text(_MENTION.sub(" ", text))):
        return ""
    return re.sub(r"[ \t]+", " ", plain_text(text)).strip()


def is_from_bot(event: Payload) -> bool:
    """Messages from bots (factbot included) are never questions."""
    return bool(
        event.get("bot_id") or event.get("bot_profile") or event.get("subtype") == "bot_message"
    )


def is_own_message(message: Payload, *, bot_user_id: str | None, bot_id: str | None) -> bool:
    """A message factbot posted (a report, a notice)."""
    return bool(
        (bot_id and message.get("bot_id") == bot_id)
        or (bot_user_id and message.get("user") == bot_user_id)
    )


def mentions_user(text: str, user_id: str | None) -> bool:
    return (
        bool(user_id) and re.search(rf"<@{re.escape(user_id or '')}(?:\|[^>]*)?>", text) is not None
    )


def is_channel_question(event: Payload, bot_user_id: str | None) -> bool:
    """A person's new top-level message in a channel that does not mention factbot (a mention is
    an `app_mention` of its own): what "answer every question" mode looks at."""
    return (
        event.get("channel_type") in ("channel", "group")
        and event.get("subtype") is None
        and not event.get("thread_ts")
        and not is_from_bot(event)
        and bool(event.get("user"))
        and not mentions_user(str(event.get("text") or ""), bot_user_id)
    )


def conversation(channel: str, thread_ts: str) -> str:
    """The id of a thread, as factbot remembers its questions: channel and thread timestamp."""
    return f"{channel}:{thread_ts}"


def is_dm_question(event: Payload) -> bool:
    """A person's new message in a direct conversation with the bot."""
    return (
        event.get("channel_type") == "im"
        and event.get("subtype") in _DM_SUBTYPES
        and not is_from_bot(event)
        and bool(event.get("user"))
    )


def message_key(event: Payload) -> str:
    """One message's identity: the same after an edit, unlike the event id."""
    return f"message:{event.get('channel')}:{event.get('ts')}"


def reply_thread(event: Payload) -> str:
    """The thread an answer to a channel message goes in: its own, or the one it started."""
    return str(event.get("thread_ts") or event["ts"])


def is_direct_channel(channel_id: str) -> bool:
    return channel_id.startswith("D")


def channel_scope(workspace: str | None, channel: str) -> ChannelScope | None:
    """Where a channel's settings live; None in a DM, which always answers."""
    if is_direct_channel(channel) or not workspace:
        return None
    try:
        return ChannelScope(PLATFORM, workspace, channel)
    except ValueError:  # not an id Slack makes: no settings to apply
        return None


def followup_thread(channel_id: str, message: Payload) -> str | None:
    """Where the answer to a button on `message` goes: its thread; a top-level message in a DM
    gets a top-level answer, in a channel one in its thread."""
    if message.get("thread_ts"):
        return str(message["thread_ts"])
    if is_direct_channel(channel_id):
        return None
    return str(message["ts"]) if message.get("ts") else None


def event_id(body: Payload) -> str | None:
    """The id Slack repeats when it delivers an event again."""
    if body.get("type") != "event_callback":
        return None
    value = body.get("event_id")
    return str(value) if value else None


def action_value(body: Payload) -> str:
    """The value of the first (only) action in a block_actions payload."""
    actions = body.get("actions") or [{}]
    return str(actions[0].get("value") or "")


def action_label(body: Payload) -> str:
    """The label of the clicked button as people saw it (empty when it has none)."""
    actions = body.get("actions") or [{}]
    label = actions[0].get("text")
    return _unescape(str(label.get("text") or "")) if isinstance(label, Mapping) else ""
