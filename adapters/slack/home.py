"""The App Home tab in Slack: factbot's settings with buttons, for workspace admins.

It shows the workspace's settings and any channel's picked from a channel
menu; each button changes one setting at once (on every factbot process).
Anyone who is not an admin sees how to ask instead. Who may, and what the
settings mean, is `adapters.slack.settings`'s and the desk's.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.context.ack.async_ack import AsyncAck

from adapters.slack import translate
from adapters.slack.answering import SlackAnswering
from adapters.slack.blockkit import Block, button, mrkdwn, plain_text, section
from adapters.slack.mrkdwn import escape
from adapters.slack.settings import ADMINS_ONLY, Changes, admin_refusal
from adapters.slack.translate import PLATFORM
from answers.channels import ChannelScope, ChannelSettings, SettingName, as_setting

__all__ = ["HomeState", "register_home", "render_home", "render_home_refusal"]

log = logging.getLogger(__name__)

SET_ACTION = "settings-set"
SET_PATTERN = re.compile(r"^settings-set-[a-z_]+$")
RESET_ACTION = "settings-reset"
CHANNEL_ACTION = "settings-channel"
BACKEND_ACTION = "settings-backend"
WORKSPACE_VALUE = "*"  # the scope part of a button's value for the workspace itself
_LABELS: Mapping[SettingName, str] = {
    "enabled": "Answers questions",
    "every_question": "Answers every message that ends with “?”",
    "private": "Replies only the asker sees",
    "backend": "Answers from",
}
_ID = re.compile(r"^[A-Z0-9]{1,30}$")

Payload = dict[str, Any]


def register_home(app: AsyncApp, answering: SlackAnswering) -> None:
    @app.event("app_home_opened")
    async def on_home_opened(event: Payload, context: AsyncBoltContext) -> None:
        if event.get("tab") != "home" or not event.get("user"):
            return
        await _publish_home(answering, str(event["user"]), context.team_id, channel=None)

    @app.action(SET_PATTERN)
    async def on_settings_set(ack: AsyncAck, body: Payload, context: AsyncBoltContext) -> None:
        await ack()
        channel, name, value = decode_choice(translate.action_value(body))
        await _change_from_home(answering, body, context, channel, {name: value})

    @app.action(BACKEND_ACTION)
    async def on_settings_backend(
        ack: AsyncAck, body: Payload, action: Payload, context: AsyncBoltContext
    ) -> None:
        await ack()
        selected = str((action.get("selected_option") or {}).get("value") or "")
        channel, name, value = decode_choice(selected)
        await _change_from_home(answering, body, context, channel, {name: value})

    @app.action(RESET_ACTION)
    async def on_settings_reset(ack: AsyncAck, body: Payload, context: AsyncBoltContext) -> None:
        await ack()
        channel = decode_channel(translate.action_value(body))
        changes: Changes = dict.fromkeys(("enabled", "every_question", "private", "backend"))
        await _change_from_home(answering, body, context, channel, changes)

    @app.action(CHANNEL_ACTION)
    async def on_settings_channel(
        ack: AsyncAck, body: Payload, action: Payload, context: AsyncBoltContext
    ) -> None:
        await ack()
        channel = action.get("selected_conversation")
        await _publish_home(
            answering, str(body["user"]["id"]), context.team_id, channel=channel or None
        )


async def _change_from_home(
    answering: SlackAnswering,
    body: Payload,
    context: AsyncBoltContext,
    channel: str | None,
    changes: Changes,
) -> None:
    user = str(body["user"]["id"])
    workspace = context.team_id or context.enterprise_id or ""
    if await admin_refusal(answering.client, user) is None:
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
    if not workspace or await admin_refusal(answering.client, user) is not None:
        view = render_home_refusal(reaction=answering.reaction)
    else:
        channel_scope = ChannelScope(PLATFORM, workspace, channel) if channel else None
        state = HomeState(
            workspace=await desk.channels.settings(ChannelScope(PLATFORM, workspace)),
            channel=channel,
            channel_settings=await desk.channels.settings(channel_scope) if channel_scope else None,
            channel_values=await desk.channels.values(channel_scope) if channel_scope else {},
            backends=desk.channels.backend_names,
            default_backend=desk.channels.default_backend,
        )
        view = render_home(state)
    await answering.client.views_publish(user_id=user, view=view)


# --- the view -----------------------------------------------------------------------------


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
