"""factbot's settings in Slack: who may change them, and `/factcheck-settings`.

Only workspace admins and owners (`users.info`: `is_admin`, `is_owner`,
`is_primary_owner`; the `users:read` scope) may see or change them; everyone
else gets a clear refusal. What the settings mean and where they are kept is
the desk's (`adapters.channels.ChannelRules`, `answers.channels`).

    /factcheck-settings                      this channel's settings, and how to change them
    /factcheck-settings off                  factbot stops answering here (on: again)
    /factcheck-settings every-question on    answer messages ending with "?" without a mention
    /factcheck-settings private on           replies only the asker sees, where Slack allows
    /factcheck-settings backend research     where both backends are configured (default: inherit)
    /factcheck-settings reset                this channel follows the workspace again
    /factcheck-settings workspace ...        the same, for the whole workspace

The App Home tab shows the same settings with buttons (`adapters.slack.home`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import translate
from adapters.slack.answering import SlackAnswering, guarded
from adapters.slack.render import render_notice
from adapters.slack.translate import PLATFORM
from answers.channels import SETTING_NAMES, ChannelScope, SettingName

__all__ = [
    "ADMINS_ONLY",
    "SETTINGS_COMMAND",
    "Changes",
    "admin_refusal",
    "parse_settings_command",
    "register_settings_command",
]

log = logging.getLogger(__name__)

SETTINGS_COMMAND = "/factcheck-settings"
ADMINS_ONLY = "Only workspace admins and owners can change factbot's settings."
CANNOT_CHECK_ADMIN = (
    "I couldn't check whether you are a workspace admin (the app may lack the users:read scope)."
)
USAGE = (
    f"Change them with {SETTINGS_COMMAND} followed by: on | off | every-question on|off | "
    "private on|off | backend NAME|default | reset. Start with “workspace” to change the "
    "whole workspace's settings; a channel's own choice wins over the workspace's."
)
_FLAG_WORDS: Mapping[str, SettingName] = {
    "every-question": "every_question",
    "every_question": "every_question",
    "private": "private",
    "enabled": "enabled",
    "backend": "backend",
}

Changes = dict[SettingName, bool | str | None]
Payload = dict[str, Any]


async def is_workspace_admin(client: AsyncWebClient, user: str) -> bool:
    """Whether `user` is an admin or owner of the workspace; raises `SlackApiError`."""
    response = await client.users_info(user=user)
    person = response.get("user") or {}
    return bool(person.get("is_admin") or person.get("is_owner") or person.get("is_primary_owner"))


async def admin_refusal(client: AsyncWebClient, user: str) -> str | None:
    """None for an admin, else the words that refuse everyone else."""
    try:
        return None if await is_workspace_admin(client, user) else ADMINS_ONLY
    except SlackApiError as exc:
        log.warning("users.info failed: %s", exc.response.get("error"))
        return CANNOT_CHECK_ADMIN


# --- the command ------------------------------------------------------------------------


@dataclass(frozen=True)
class SettingsRequest:
    """What `/factcheck-settings TEXT` asks: the workspace's or the channel's, and any changes."""

    is_workspace: bool = False
    changes: Changes = field(default_factory=dict)


def parse_settings_command(text: str) -> SettingsRequest:
    """Raises `ValueError` with words for the person when `text` is not a settings request."""
    words = text.casefold().split()
    is_workspace = bool(words) and words[0] == "workspace"
    if is_workspace:
        words = words[1:]
    changes: Changes = {}
    at = 0
    while at < len(words):
        word = words[at]
        if word in ("on", "off"):
            changes["enabled"] = word == "on"
            at += 1
        elif word == "reset":
            changes.update(dict.fromkeys(SETTING_NAMES))
            at += 1
        elif word in ("show", "status"):
            at += 1
        elif word in _FLAG_WORDS:
            if at + 1 >= len(words):
                raise ValueError(f"“{word}” needs a value. {USAGE}")
            name, value = _FLAG_WORDS[word], words[at + 1]
            changes[name] = _value(name, value)
            at += 2
        else:
            raise ValueError(f"I don't know “{word[:40]}”. {USAGE}")
    return SettingsRequest(is_workspace, changes)


def _value(name: SettingName, word: str) -> bool | str | None:
    if word in ("default", "inherit"):
        return None
    if name == "backend":
        return word
    if word in ("on", "off"):
        return word == "on"
    raise ValueError(f"“{name.replace('_', '-')}” is on, off or default. {USAGE}")


# --- the listener -------------------------------------------------------------------------


def register_settings_command(app: AsyncApp, answering: SlackAnswering) -> None:
    @app.command(SETTINGS_COMMAND)
    async def on_settings_command(
        ack: AsyncAck, command: Payload, respond: AsyncRespond, context: AsyncBoltContext
    ) -> None:
        await ack()  # who may, and the settings, are looked up after: never in the 3 seconds
        await guarded(respond, _settings_command(answering, command, respond, context))


async def _settings_command(
    answering: SlackAnswering, command: Payload, respond: AsyncRespond, context: AsyncBoltContext
) -> None:
    desk = answering.desk
    try:
        request = parse_settings_command(str(command.get("text") or ""))
    except ValueError as exc:
        await respond(text=render_notice(str(exc))["text"], response_type="ephemeral")
        return
    refusal = await admin_refusal(answering.client, str(command["user_id"]))
    if refusal is not None:
        await respond(text=refusal, response_type="ephemeral")
        return
    workspace = context.team_id or context.enterprise_id or ""
    channel = str(command.get("channel_id") or "")
    is_workspace = request.is_workspace or translate.is_direct_channel(channel)
    scope = ChannelScope(PLATFORM, workspace, None if is_workspace else channel)
    try:
        current = await desk.channels.show_or_change(scope, request.changes)
    except ValueError as exc:  # a backend that is not configured here
        await respond(text=render_notice(str(exc))["text"], response_type="ephemeral")
        return
    lines = desk.channels.describe(
        current, where="this workspace" if is_workspace else "this channel"
    )
    text = "\n".join(lines if request.changes else [*lines, USAGE])
    await respond(text=render_notice(text)["text"], response_type="ephemeral")
