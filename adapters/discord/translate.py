"""From a Discord message to the question in it: pure predicates over `discord.Message`.

A message is for factbot when it is a DM, when it mentions the bot or the
bot's managed role (Discord's autocomplete often picks the role), or when it
replies to a factbot report (a follow-up: the report's thread continues).
The question is the text without those mentions; other people's and roles'
mentions become their names, so the question reads as the asker saw it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import discord

from adapters.discord.markdown import one_line
from answers.channels import ChannelScope

PLATFORM = "discord"  # the platform part of factbot's keys (dedupe, rate limits, settings)
CHAT_MESSAGE_TYPES = (discord.MessageType.default, discord.MessageType.reply)
_USER_MENTION = re.compile(r"<@!?([0-9]{15,20})>")
_ROLE_MENTION = re.compile(r"<@&([0-9]{15,20})>")
_ANY_MENTION = re.compile(r"<(?:@[!&]?|#)[0-9]+>|@everyone|@here")


@dataclass(frozen=True)
class MessageQuestion:
    text: str  # empty for a bare mention
    is_direct: bool
    continues: int | None = None  # the factbot report this message replies to (a follow-up)

    @property
    def is_bare_mention(self) -> bool:
        return not self.text


def is_from_bot(message: discord.Message) -> bool:
    """Bots (this one included) and webhooks never get answers: no loops between bots."""
    return message.author.bot or message.webhook_id is not None


def is_direct_message(message: discord.Message) -> bool:
    return isinstance(message.channel, discord.DMChannel)


def own_role_id(message: discord.Message) -> int | None:
    """The bot's managed role in the message's guild, if the guild is known."""
    role = message.guild.self_role if message.guild is not None else None
    return role.id if role is not None else None


def mentions_bot(message: discord.Message, bot_id: int) -> bool:
    """A mention written in the text. A reply to factbot's message also lists factbot in
    `mentions` (the reply's ping) without asking it anything, as a thread reply in Slack."""
    if bot_id in message.raw_mentions:
        return True
    role_id = own_role_id(message)
    return role_id is not None and role_id in message.raw_role_mentions


def question_text(message: discord.Message, bot_id: int) -> str:
    """The message's text without the bot's mentions, on one line; empty when only mentions
    and marks are left ("@factbot @Bob": nothing to research)."""
    if not any(ch.isalnum() for ch in _ANY_MENTION.sub(" ", message.content)):
        return ""
    role_id = own_role_id(message)
    names = {user.id: user.display_name for user in message.mentions}
    roles = {role.id: role.name for role in message.role_mentions}

    def user(match: re.Match[str]) -> str:
        user_id = int(match[1])
        if user_id == bot_id:
            return " "
        return f"@{names[user_id]}" if user_id in names else match[0]

    def role(match: re.Match[str]) -> str:
        role_id_here = int(match[1])
        if role_id_here == role_id:
            return " "
        return f"@{roles[role_id_here]}" if role_id_here in roles else match[0]

    text = _ROLE_MENTION.sub(role, _USER_MENTION.sub(user, message.content))
    return one_line(text)


def target_text(message: discord.Message, bot_id: int) -> str:
    """What the context menu checks: the message's text, else what its embeds say (a news
    bot's post may be embeds alone); empty for an image alone."""
    text = question_text(message, bot_id)
    if text:
        return text
    parts = [part for embed in message.embeds for part in (embed.title, embed.description) if part]
    return one_line(" ".join(parts))


def replied_report(message: discord.Message, bot_id: int) -> int | None:
    """The id of the factbot report `message` replies to, if it replies to one (a report is
    factbot's Components V2 message; its notices are plain text)."""
    reference = message.reference
    resolved = reference.resolved if reference is not None else None
    if not isinstance(resolved, discord.Message) or resolved.author.id != bot_id:
        return None
    return resolved.id if resolved.flags.components_v2 else None


def read_message(message: discord.Message, bot_id: int) -> MessageQuestion | None:
    """The question a message asks factbot, or None when the message is not for factbot.

    A reply to a factbot report is a follow-up even without a mention; Discord hands factbot
    its text when the reply pings factbot (the default) or with the Message Content intent, and
    a reply whose text factbot cannot read is left alone."""
    if is_from_bot(message) or message.type not in CHAT_MESSAGE_TYPES:
        return None
    continues = replied_report(message, bot_id)
    if is_direct_message(message):
        return MessageQuestion(question_text(message, bot_id), is_direct=True, continues=continues)
    if mentions_bot(message, bot_id):
        return MessageQuestion(question_text(message, bot_id), is_direct=False, continues=continues)
    if continues is not None and (text := question_text(message, bot_id)):
        return MessageQuestion(text, is_direct=False, continues=continues)
    return None


def channel_question(message: discord.Message) -> str | None:
    """A person's message in a server channel, as "answer every question" mode looks at it
    (readable only with the Message Content intent); None for anything else."""
    if is_from_bot(message) or message.type is not discord.MessageType.default:
        return None
    if message.guild is None or is_direct_message(message):
        return None
    return one_line(message.content) or None


def message_scope(message: discord.Message) -> ChannelScope | None:
    """Where a message's channel settings live; None in a DM."""
    if message.guild is None:
        return None
    return ChannelScope(PLATFORM, str(message.guild.id), str(message.channel.id))


def interaction_scope(interaction: discord.Interaction[Any]) -> ChannelScope | None:
    """Where an interaction's channel settings live; None in a DM."""
    if interaction.guild_id is None or interaction.channel_id is None:
        return None
    return ChannelScope(PLATFORM, str(interaction.guild_id), str(interaction.channel_id))
