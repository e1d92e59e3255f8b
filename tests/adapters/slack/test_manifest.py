"""The Slack app manifest declares exactly what the adapter listens for."""

from __future__ import annotations

from pathlib import Path

import yaml

from adapters.slack.listeners import COMMAND, SHORTCUT_CALLBACK_ID

MANIFEST = Path(__file__).resolve().parents[3] / "adapters" / "slack" / "manifest.yml"


def test_the_manifest_matches_the_listeners() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text())
    settings = manifest["settings"]
    assert settings["socket_mode_enabled"] is True
    assert settings["interactivity"]["is_enabled"] is True
    assert sorted(settings["event_subscriptions"]["bot_events"]) == ["app_mention", "message.im"]
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == [COMMAND]
    shortcut = manifest["features"]["shortcuts"][0]
    assert shortcut == {
        **shortcut,
        "type": "message",
        "callback_id": SHORTCUT_CALLBACK_ID,
        "name": "Fact-check this message",
    }
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == {
        "app_mentions:read",
        "chat:write",
        "commands",
        "im:history",
    }
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True
