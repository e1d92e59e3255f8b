"""Raw gateway payloads, as Discord sends them (API v10), for the events factbot handles."""

from __future__ import annotations

import itertools
from typing import Any

from tests.adapters.discord.fake_discord import APP_ID, BOT_ID, sent_message

GUILD_ID = "1400000000000000004"
CHANNEL_ID = "1500000000000000005"
DM_CHANNEL_ID = "1600000000000000006"
BOT_ROLE_ID = "1700000000000000007"
USER_ID = "1800000000000000008"
OTHER_ID = "1900000000000000009"
COMMAND_ID = "1110000000000000010"
TIMESTAMP = "2026-11-01T12:00:00+00:00"

USER = {
    "id": USER_ID,
    "username": "alice",
    "discriminator": "0",
    "global_name": "Alice",
    "avatar": None,
}
OTHER = {
    "id": OTHER_ID,
    "username": "bob",
    "discriminator": "0",
    "global_name": "Bob",
    "avatar": None,
}
_ids = itertools.count(1_700_000_000_000_000_000)


def next_id() -> str:
    return str(next(_ids))


def guild_create() -> dict[str, Any]:
    """A guild holding one text channel and factbot's managed role."""
    everyone = {
        "id": GUILD_ID,
        "name": "@everyone",
        "permissions": "0",
        "position": 0,
        "color": 0,
        "hoist": False,
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }
    bot_role = {
        **everyone,
        "id": BOT_ROLE_ID,
        "name": "factbot",
        "managed": True,
        "position": 1,
        "tags": {"bot_id": BOT_ID},
    }
    channel = {
        "id": CHANNEL_ID,
        "type": 0,
        "name": "general",
        "position": 0,
        "permission_overwrites": [],
        "guild_id": GUILD_ID,
    }
    return {
        "id": GUILD_ID,
        "name": "Test guild",
        "unavailable": False,
        "owner_id": USER_ID,
        "roles": [everyone, bot_role],
        "channels": [channel],
        "threads": [],
        "members": [],
        "member_count": 2,
        "emojis": [],
        "stickers": [],
        "features": [],
        "voice_states": [],
        "presences": [],
        "large": False,
        "icon": None,
        "splash": None,
        "banner": None,
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "preferred_locale": "en-US",
        "premium_tier": 0,
        "nsfw_level": 0,
        "premium_progress_bar_enabled": False,
        "joined_at": TIMESTAMP,
    }


def message(
    content: str,
    *,
    guild: bool = True,
    author: dict[str, Any] = USER,
    mentions: list[dict[str, Any]] | None = None,
    mention_roles: list[str] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """MESSAGE_CREATE in the guild's channel (or in a DM with factbot)."""
    payload: dict[str, Any] = {
        "id": next_id(),
        "channel_id": CHANNEL_ID if guild else DM_CHANNEL_ID,
        "author": author,
        "content": content,
        "timestamp": TIMESTAMP,
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": mentions or [],
        "mention_roles": mention_roles or [],
        "attachments": [],
        "embeds": [],
        "components": [],
        "pinned": False,
        "type": 0,
        "flags": 0,
    }
    if guild:
        payload["guild_id"] = GUILD_ID
        payload["member"] = {"roles": [], "joined_at": TIMESTAMP, "deaf": False, "mute": False}
    return payload | extra


def _interaction(kind: int, data: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """INTERACTION_CREATE in a DM with factbot (user, not member)."""
    return {
        "id": next_id(),
        "application_id": APP_ID,
        "type": kind,
        "token": f"tok-{next_id()}",
        "version": 1,
        "data": data,
        "channel_id": DM_CHANNEL_ID,
        "channel": {"id": DM_CHANNEL_ID, "type": 1},
        "user": USER,
        "locale": "en-US",
        "attachment_size_limit": 8_000_000,
        "context": 1,
        "authorizing_integration_owners": {},
        "entitlements": [],
        "app_permissions": "0",
    } | extra


def slash_command(question: str, *, private: bool | None = None) -> dict[str, Any]:
    options: list[dict[str, Any]] = [{"name": "question", "type": 3, "value": question}]
    if private is not None:
        options.append({"name": "private", "type": 5, "value": private})
    return _interaction(2, {"id": COMMAND_ID, "name": "factcheck", "type": 1, "options": options})


def context_menu(target_content: str, **target_extra: Any) -> dict[str, Any]:
    target = message(target_content, guild=False, author=OTHER, **target_extra)
    return _interaction(
        2,
        {
            "id": COMMAND_ID,
            "name": "Fact-check this message",
            "type": 3,
            "target_id": target["id"],
            "resolved": {"messages": {target["id"]: target}},
        },
    )


def bot_message(components: list[dict[str, Any]], *, flags: int = 1 << 15) -> dict[str, Any]:
    """A message factbot sent earlier, as a click's interaction carries it."""
    return sent_message(
        next_id(), DM_CHANNEL_ID, components=components, flags=flags, timestamp=TIMESTAMP
    )


def click(
    custom_id: str,
    components: list[dict[str, Any]],
    *,
    flags: int = 1 << 15,
    values: list[str] | None = None,
) -> dict[str, Any]:
    """A button click (or, with `values`, a select-menu pick) on a factbot message."""
    data: dict[str, Any] = {"custom_id": custom_id, "component_type": 2}
    if values is not None:
        data = {"custom_id": custom_id, "component_type": 3, "values": values}
    return _interaction(3, data, message=bot_message(components, flags=flags))


def reply_to(report: dict[str, Any], content: str, **extra: Any) -> dict[str, Any]:
    """MESSAGE_CREATE for a reply to `report` (a message factbot sent), as Discord resolves it."""
    reference = {"message_id": report["id"], "channel_id": report["channel_id"]}
    if report["channel_id"] == CHANNEL_ID:
        reference["guild_id"] = GUILD_ID
    return message(
        content,
        guild=report["channel_id"] == CHANNEL_ID,
        type=19,
        message_reference=reference,
        referenced_message=report,
        **extra,
    )


def reaction_add(
    message_id: str,
    *,
    user: dict[str, Any] = OTHER,
    emoji: str = "🔍",
    channel_id: str = CHANNEL_ID,
) -> dict[str, Any]:
    """MESSAGE_REACTION_ADD: `user` reacted with `emoji` to a message in the guild's channel."""
    return {
        "user_id": user["id"],
        "channel_id": channel_id,
        "message_id": message_id,
        "guild_id": GUILD_ID,
        "member": {
            "user": user,
            "roles": [],
            "joined_at": TIMESTAMP,
            "deaf": False,
            "mute": False,
            "flags": 0,
        },
        "emoji": {"id": None, "name": emoji},
        "type": 0,
        "burst": False,
        "message_author_id": USER_ID,
    }


MANAGE_GUILD = 1 << 5


def guild_interaction(data: dict[str, Any], *, permissions: int = 0) -> dict[str, Any]:
    """INTERACTION_CREATE in the guild's channel, from a member with `permissions`."""
    return _interaction(
        2,
        data,
        guild_id=GUILD_ID,
        channel_id=CHANNEL_ID,
        channel={"id": CHANNEL_ID, "type": 0, "guild_id": GUILD_ID, "name": "general"},
        member={
            "user": USER,
            "roles": [],
            "joined_at": TIMESTAMP,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "permissions": str(permissions),
        },
        context=0,
    )


def guild_slash_command(question: str, *, private: bool | None = None) -> dict[str, Any]:
    data = slash_command(question, private=private)["data"]
    return guild_interaction(data)


def settings_command(
    subcommand: str, *, permissions: int = MANAGE_GUILD, **options: Any
) -> dict[str, Any]:
    """`/factbot settings SUBCOMMAND option:value ...` in the guild's channel."""
    kinds = {bool: 5, str: 3}
    given = [{"name": k, "type": kinds[type(v)], "value": v} for k, v in options.items()]
    data = {
        "id": COMMAND_ID,
        "name": "factbot",
        "type": 1,
        "options": [
            {
                "name": "settings",
                "type": 2,
                "options": [{"name": subcommand, "type": 1, "options": given}],
            }
        ],
    }
    return guild_interaction(data, permissions=permissions)
