"""factbot's settings in Slack: who may change them, `/factcheck-settings`, and the App Home tab.

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

The App Home tab shows the same settings with buttons: the workspace's, and
any channel's picked from a channel menu.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blockkit import Block, button, mrkdwn, plain_text, section
from adapters.slack.mrkdwn import escape
from adapters.wording import describe_settings
from answers.channels import SETTING_NAMES, ChannelSettings, SettingName, as_setting

log = logging.getLogger(__name__)

SETTINGS_COMMAND = "/factcheck-settings"
SET_ACTION = "settings-set"
SET_PATTERN = re.compile(r"^settings-set-[a-z_]+$")
RESET_ACTION = "settings-reset"
CHANNEL_ACTION = "settings-channel"
BACKEND_ACTION = "settings-backend"
WORKSPACE_VALUE = "*"  # the scope part of a button's value for the workspace itself

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
_LABELS: Mapping[SettingName, str] = {
    "enabled": "Answers questions",
    "every_question": "Answers every message that ends with “?”",
    "private": "Replies only the asker sees",
    "backend": "Answers from",
}
_ID = re.compile(r"^[A-Z0-9]{1,30}$")

Changes = dict[SettingName, bool | str | None]


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


def describe(
    settings: ChannelSettings,
    *,
    where: str,
    backends: Sequence[str],
    default_backend: str | None,
    with_usage: bool,
) -> str:
    """The settings as plain text, for a notice (which escapes it)."""
    lines = describe_settings(
        settings, where=where, backends=backends, default_backend=default_backend
    )
    return "\n".join([*lines, USAGE] if with_usage else lines)


# --- the App Home tab ---------------------------------------------------------------------


def encode_choice(channel: str | None, name: SettingName, value: str) -> str:
    """A settings button's value: where, which setting, what to set ("" to inherit)."""
    return f"{channel or WORKSPACE_VALUE}|{name}|{value}"


def decode_channel(value: str) -> str:
    """A channel id from a reset button's value; raises `ValueError` on anything else."""
    if not _ID.match(value):
        raise ValueError(f"not a channel id: {value[:40]!r}")
    return value


def decode_choice(value: str) -> tuple[str | None, SettingName, bool | str | None]:
    """Raises `ValueError` on a value factbot did not make."""
    parts = value.split("|")
    if len(parts) != 3:
        raise ValueError(f"not a settings choice: {value[:40]!r}")
    where, name_text, raw = parts
    if where != WORKSPACE_VALUE and not _ID.match(where):
        raise ValueError(f"not a channel id: {where[:40]!r}")
    name = as_setting(name_text)
    choice: bool | str | None
    if raw == "":
        choice = None
    elif name == "backend":
        choice = raw
    elif raw in ("0", "1"):
        choice = raw == "1"
    else:
        raise ValueError(f"not a settings value: {raw[:40]!r}")
    return (None if where == WORKSPACE_VALUE else where), name, choice


@dataclass(frozen=True)
class HomeState:
    """What the App Home shows an admin: the workspace's settings and one picked channel's."""

    workspace: ChannelSettings
    channel: str | None = None
    channel_settings: ChannelSettings | None = None
    channel_values: Mapping[str, str] = field(default_factory=dict)  # set on the channel itself
    backends: Sequence[str] = ()
    default_backend: str | None = None


def render_home_refusal(*, reaction: str) -> dict[str, Any]:
    """The App Home for someone who may not change the settings."""
    return {
        "type": "home",
        "blocks": [
            {"type": "header", "block_id": "title", "text": plain_text("factbot")},
            section(
                "Mention @factbot with a question, send me a direct message, use /factcheck, or "
                f"react with :{reaction}: to a message to fact-check it.",
                "how",
            ),
            {"type": "context", "block_id": "admins", "elements": [mrkdwn(escape(ADMINS_ONLY))]},
        ],
    }


def render_home(state: HomeState) -> dict[str, Any]:
    """The App Home for an admin: settings with buttons that change them at once."""
    blocks: list[Block] = [
        {"type": "header", "block_id": "title", "text": plain_text("factbot settings")},
        {
            "type": "context",
            "block_id": "about",
            "elements": [
                mrkdwn(
                    "Changes take effect at once on every factbot process. A channel's own "
                    "choice wins over the workspace's."
                )
            ],
        },
        section("*This workspace*", "workspace"),
        *_setting_rows(state, None, state.workspace, {}),
        {"type": "divider", "block_id": "between"},
        {
            "type": "section",
            "block_id": "pick",
            "text": mrkdwn("*A channel*"),
            "accessory": _channel_menu(state.channel),
        },
    ]
    if state.channel is not None and state.channel_settings is not None:
        blocks += _setting_rows(state, state.channel, state.channel_settings, state.channel_values)
        if state.channel_values:
            blocks.append(
                {
                    "type": "actions",
                    "block_id": f"reset-{state.channel}",
                    "elements": [
                        button("Follow the workspace's settings", RESET_ACTION, state.channel)
                    ],
                }
            )
    return {"type": "home", "private_metadata": state.channel or "", "blocks": blocks}


def _setting_rows(
    state: HomeState,
    channel: str | None,
    settings: ChannelSettings,
    values: Mapping[str, str],
) -> list[Block]:
    rows: list[Block] = []
    scope = channel or "workspace"
    for name in ("enabled", "every_question", "private"):
        on = bool(getattr(settings, name))
        source = "" if channel is None or name in values else " _(from the workspace)_"
        rows.append(
            {
                "type": "section",
                "block_id": f"{scope}-{name}",
                "text": mrkdwn(f"{_LABELS[name]}: *{'on' if on else 'off'}*{source}"),
                "accessory": button(
                    "Turn off" if on else "Turn on",
                    f"{SET_ACTION}-{name}",
                    encode_choice(channel, name, "0" if on else "1"),
                ),
            }
        )
    if state.backends:
        chosen = settings.backend if settings.backend in state.backends else None
        options = [("default", f"{state.default_backend or 'the'} default")] + [
            (name, name) for name in state.backends
        ]
        menu: dict[str, Any] = {
            "type": "static_select",
            "action_id": BACKEND_ACTION,
            "options": [
                {
                    "text": plain_text(label),
                    "value": encode_choice(channel, "backend", "" if key == "default" else key),
                }
                for key, label in options
            ],
        }
        initial = next(o for o in menu["options"] if o["value"].endswith(f"|{chosen or ''}"))
        menu["initial_option"] = initial
        rows.append(
            {
                "type": "section",
                "block_id": f"{scope}-backend",
                "text": mrkdwn(f"{_LABELS['backend']}: *{chosen or 'the default'}*"),
                "accessory": menu,
            }
        )
    return rows


def _channel_menu(channel: str | None) -> dict[str, Any]:
    menu: dict[str, Any] = {
        "type": "conversations_select",
        "action_id": CHANNEL_ACTION,
        "placeholder": plain_text("Pick a channel"),
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    if channel is not None:
        menu["initial_conversation"] = channel
    return menu
