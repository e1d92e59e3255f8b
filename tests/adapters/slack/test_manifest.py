"""The Slack app manifest declares exactly what the adapter listens for, within Slack's rules."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from adapters.slack.listeners import COMMAND, SHORTCUT_CALLBACK_ID
from adapters.slack.settings import SETTINGS_COMMAND

MANIFEST = Path(__file__).resolve().parents[3] / "adapters" / "slack" / "manifest.yml"

# Slack's rules (api.slack.com/reference/manifests, api.slack.com/events): the scope each bot
# event needs, and the lengths and shapes of the fields.
EVENT_SCOPES = {
    "app_home_opened": None,
    "app_mention": "app_mentions:read",
    "message.channels": "channels:history",
    "message.groups": "groups:history",
    "message.im": "im:history",
    "reaction_added": "reactions:read",
}
# What the listeners call beyond posting: conversations.history/replies (a reacted message in a
# channel, a private channel, a group DM, a DM), users.info (who is a workspace admin).
METHOD_SCOPES = {"channels:history", "groups:history", "mpim:history", "im:history", "users:read"}
COMMAND_NAME = re.compile(r"^/[a-z0-9_-]{1,31}$")


def manifest() -> dict[str, Any]:
    data = yaml.safe_load(MANIFEST.read_text())
    assert isinstance(data, dict)
    return data


def test_the_manifest_matches_the_listeners() -> None:
    data = manifest()
    settings = data["settings"]
    assert settings["socket_mode_enabled"] is True
    assert settings["interactivity"]["is_enabled"] is True
    assert sorted(settings["event_subscriptions"]["bot_events"]) == sorted(EVENT_SCOPES)
    assert [c["command"] for c in data["features"]["slash_commands"]] == [
        COMMAND,
        SETTINGS_COMMAND,
    ]
    shortcut = data["features"]["shortcuts"][0]
    assert shortcut == {
        **shortcut,
        "type": "message",
        "callback_id": SHORTCUT_CALLBACK_ID,
        "name": "Fact-check this message",
    }
    scopes = set(data["oauth_config"]["scopes"]["bot"])
    needed = {s for s in EVENT_SCOPES.values() if s} | METHOD_SCOPES | {"chat:write", "commands"}
    assert scopes == needed
    home = data["features"]["app_home"]
    assert home["messages_tab_enabled"] is True and home["home_tab_enabled"] is True


def test_the_manifest_keeps_to_slacks_field_rules() -> None:
    data = manifest()
    info = data["display_information"]
    assert 1 <= len(info["name"]) <= 35
    assert len(info["description"]) <= 140
    assert 175 <= len(info["long_description"]) <= 4000
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", info["background_color"])
    assert len(data["features"]["bot_user"]["display_name"]) <= 80
    for command in data["features"]["slash_commands"]:
        assert COMMAND_NAME.match(command["command"])
        assert 1 <= len(command["description"]) <= 2000
        assert len(command.get("usage_hint", "")) <= 1000
    for shortcut in data["features"]["shortcuts"]:
        assert len(shortcut["name"]) <= 24 and len(shortcut["description"]) <= 150
        assert len(shortcut["callback_id"]) <= 255
    for scope in data["oauth_config"]["scopes"]["bot"]:
        assert re.fullmatch(r"[a-z_]+:[a-z_.]+|commands", scope)
