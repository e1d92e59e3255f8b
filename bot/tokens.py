"""What Slack and Discord tokens look like: checks that say what is wrong, never the value.

`bot.config`'s validators call these on `SLACK_BOT_TOKEN`, `SLACK_APP_TOKEN`
and `DISCORD_TOKEN`, so a token pasted in the wrong place, or copied with a
stray word or quote, is named at start-up rather than refused by the platform.
"""

from __future__ import annotations

import re

__all__ = ["check_discord_token", "check_slack_token"]

_DISCORD_TOKEN_PART = re.compile(r"^[A-Za-z0-9_-]*$")
# The shortest each part of a Discord bot token is: base64 of the bot's id, a timestamp, an HMAC.
_DISCORD_TOKEN_PART_CHARS = (20, 4, 20)
# Slack token prefixes, to say which kind of token was pasted where another belongs.
_SLACK_TOKEN_KINDS = (
    ("xoxb-", "a bot token"),
    ("xapp-", "an app-level token"),
    ("xoxp-", "a user token"),
    ("xoxe", "a token-rotation token"),
    ("xoxa-", "a workspace token"),
    ("xoxr-", "a refresh token"),
)


def check_slack_token(token: str | None, prefix: str) -> None:
    """Raise saying what is wrong with `token` where a `prefix` token belongs (never its value)."""
    if not token or token.startswith(prefix):
        return
    kinds = dict(_SLACK_TOKEN_KINDS)
    wanted = kinds[prefix]
    for other, kind in _SLACK_TOKEN_KINDS:
        if token.startswith(other):
            raise ValueError(
                f"malformed: this is {kind} ({other}…); this setting takes {wanted} ({prefix}…)"
            )
    raise ValueError(f"malformed: {wanted} starts with {prefix}")


def check_discord_token(token: str | None) -> None:
    """Raise saying exactly what is wrong with a Discord bot token's shape (never its value)."""
    if not token:
        return
    if token.lower().startswith(("bot ", "bearer ")):
        raise ValueError("malformed: give the token alone, without the word before it")
    parts = token.split(".")
    if len(parts) != 3:
        raise ValueError(
            f"malformed: a bot token has three parts separated by dots; this one has {len(parts)}"
        )
    if not all(_DISCORD_TOKEN_PART.match(part) for part in parts):
        raise ValueError(
            "malformed: a bot token holds only letters, digits, - and _ between its dots "
            "(was a space or a quote copied with it?)"
        )
    for ordinal, part, shortest in zip(
        ("first", "second", "third"), parts, _DISCORD_TOKEN_PART_CHARS, strict=True
    ):
        if len(part) < shortest:
            count = f"{len(part)} character" + ("" if len(part) == 1 else "s")
            raise ValueError(
                f"malformed: its {ordinal} part has {count}, a bot token's has "
                f"{shortest} or more (copy it again from the Developer Portal's Bot page)"
            )
