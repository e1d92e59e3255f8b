"""Slack: per-channel settings that workspace admins change (`/factcheck-settings`, App Home),
refused for everyone else; "answer every question"; a disabled channel; private replies."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from adapters.slack.settings import ADMINS_ONLY, SETTINGS_COMMAND, parse_settings_command
from answers.channels import ChannelScope
from tests.adapters.slack.conftest import BuildHarness, SlackHarness, header
from tests.adapters.slack.fake_slack import BOT_USER, TEAM
from tests.answers.fake_backend import ScriptedBackend

ADMIN = "UADMIN"
CHANNEL = ChannelScope("slack", TEAM, "C1")


def with_people(h: SlackHarness) -> SlackHarness:
    h.fake.users[ADMIN] = {"id": ADMIN, "name": "ada", "is_admin": True}
    h.fake.users["UOWNER"] = {"id": "UOWNER", "name": "olu", "is_owner": True}
    h.fake.users["U1"] = {"id": "U1", "name": "bo", "is_admin": False, "is_owner": False}
    return h


async def settings_reply(h: SlackHarness, text: str, *, user: str = ADMIN) -> str:
    before = len(h.fake.responses())
    status, _ = await h.command(text, user=user, command=SETTINGS_COMMAND)
    assert status == 200
    replies = await h.fake.wait_for(lambda: h.fake.responses()[before:], what="the settings reply")
    assert replies[0]["response_type"] == "ephemeral"
    return str(replies[0]["text"])


async def test_an_admin_changes_a_channels_settings_and_others_are_refused(
    make_harness: BuildHarness,
) -> None:
    h = with_people(await make_harness())
    shown = await settings_reply(h, "")
    assert "factbot in this channel:" in shown and "Answers questions: on" in shown
    assert "every-question on|off" in shown  # how to change them

    changed = await settings_reply(h, "every-question on private on")
    assert "every message that ends with “?”: on" in changed and "private by default" in changed
    assert (await h.desk.channels.settings(CHANNEL)).every_question is True

    refused = await settings_reply(h, "off", user="U1")
    assert refused == ADMINS_ONLY
    assert (await h.desk.channels.settings(CHANNEL)).enabled is True
    assert await settings_reply(h, "workspace private on", user="UOWNER")
    assert (await h.desk.channels.settings(ChannelScope("slack", TEAM, "C2"))).private is True

    assert "I don't know “loud”" in await settings_reply(h, "loud")
    assert "no backend named 'research'" in await settings_reply(h, "backend research")


async def test_every_question_answers_a_question_once_and_ignores_the_rest(
    make_harness: BuildHarness,
) -> None:
    h = with_people(await make_harness(channel_per_minute=100))
    await h.message("Is the Eiffel Tower taller in summer?", ts="10.1")  # mode off: ignored
    await settings_reply(h, "every-question on")

    await h.message("Is the Eiffel Tower taller in summer?", ts="10.2")
    await h.message("Is the Eiffel Tower taller in summer?", ts="10.2")  # delivered twice
    await h.message("The Eiffel Tower is in Paris.", ts="10.3")  # no question mark
    await h.message("Replying in a thread?", ts="10.4", thread_ts="10.2")  # not top-level
    await h.message(f"<@{BOT_USER}> is it?", ts="10.5")  # a mention: app_mention answers it
    await h.message("A bot's question?", ts="10.6", bot_id="B9", subtype="bot_message")

    report = await h.report_post()
    assert report["thread_ts"] == "10.2"
    assert header(report) == "Is the Eiffel Tower taller in summer?"
    await asyncio.sleep(0.2)
    assert h.backend.questions == ["Is the Eiffel Tower taller in summer?"]
    assert "Asked by" not in json.dumps(report)  # the person asked in their own words


async def test_every_question_keeps_to_the_channels_rate_limit(make_harness: BuildHarness) -> None:
    h = with_people(await make_harness(channel_per_minute=2))
    await settings_reply(h, "every-question on")
    for n in range(4):
        await h.message(f"Question number {n}?", ts=f"20.{n}")
    await h.report_post(2)
    await asyncio.sleep(0.2)
    assert sorted(h.backend.questions) == ["Question number 0?", "Question number 1?"]


async def test_a_disabled_channel_is_ignored(make_harness: BuildHarness) -> None:
    h = with_people(await make_harness())
    await settings_reply(h, "off")
    h.fake.add_message("C1", {"type": "message", "user": "U1", "text": "Claim.", "ts": "3.1"})

    await h.mention(f"<@{BOT_USER}> are you there?")
    told = await h.fake.wait_for(lambda: h.fake.to("/chat.postEphemeral"), what="the notice")
    assert "turned off in this channel" in told[0]["text"] and told[0]["user"] == "U1"
    await h.react("3.1")
    before = len(h.fake.responses())
    await h.command("is it on?")
    refused = await h.fake.wait_for(lambda: h.fake.responses()[before:], what="the refusal")
    assert "turned off in this channel" in refused[0]["text"]
    await h.mention(f"<@{BOT_USER}> and here?", channel="C2", ts="4.1")  # another channel
    await h.report_post()
    assert h.backend.questions == ["and here?"]
    assert h.fake.to("/conversations.history") == []

    await settings_reply(h, "reset")
    assert (await h.desk.channels.settings(CHANNEL)).enabled is True


async def test_private_by_default_replies_through_response_url_only(
    make_harness: BuildHarness,
) -> None:
    h = with_people(await make_harness())
    await settings_reply(h, "private on")
    before = len(h.fake.responses())
    await h.command("Do cats purr when alone?")
    sent = await h.fake.wait_for(
        lambda: [r for r in h.fake.responses()[before:] if r.get("blocks")], what="the report"
    )
    assert all(r["response_type"] == "ephemeral" for r in sent)
    assert h.fake.posts() == []


async def test_a_channel_may_choose_the_other_backend(make_harness: BuildHarness) -> None:
    default, research = ScriptedBackend(), ScriptedBackend(cache_namespace="research")
    h = with_people(
        await make_harness(backend=default, backends={"corpus": default, "research": research})
    )
    shown = await settings_reply(h, "backend research")
    assert "Answers from: research" in shown
    await h.mention(f"<@{BOT_USER}> who wins?")
    await h.report_post()
    assert research.questions == ["who wins?"] and default.runs == 0


def test_the_command_grammar() -> None:
    assert parse_settings_command("workspace off").is_workspace
    assert parse_settings_command("private default backend default").changes == {
        "private": None,
        "backend": None,
    }
    for bad in ("private", "private maybe", "colour blue"):
        try:
            parse_settings_command(bad)
        except ValueError:
            continue
        raise AssertionError(f"accepted {bad!r}")


# --- App Home ------------------------------------------------------------------------------


def home_event(user: str) -> dict[str, Any]:
    return {"type": "app_home_opened", "user": user, "channel": "D1", "tab": "home"}


def home_click(user: str, view: dict[str, Any], action: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "user": {"id": user, "team_id": TEAM},
        "team": {"id": TEAM},
        "api_app_id": "A1",
        "container": {"type": "view", "view_id": "V1"},
        "view": {"id": "V1", "type": "home", "private_metadata": view.get("private_metadata", "")},
        "trigger_id": "trigger",
        "actions": [{**action, "block_id": "b", "action_ts": "1"}],
    }


def element(view: dict[str, Any], action_id: str, value_end: str = "") -> dict[str, Any]:
    for block in view["blocks"]:
        accessory = block.get("accessory") or {}
        for item in [accessory, *block.get("elements", [])]:
            if item.get("action_id") == action_id and str(item.get("value", "")).endswith(
                value_end
            ):
                return dict(item)
    raise AssertionError(f"no {action_id} in the view")


async def published(h: SlackHarness, count: int) -> dict[str, Any]:
    views = await h.fake.wait_for(
        lambda: len(h.fake.to("/views.publish")) >= count and h.fake.to("/views.publish"),
        what=f"view #{count}",
    )
    view = views[count - 1]["view"]
    return json.loads(view) if isinstance(view, str) else dict(view)


async def test_the_app_home_lets_admins_change_settings(make_harness: BuildHarness) -> None:
    h = with_people(await make_harness())
    await h.event(home_event(ADMIN))
    home = await published(h, 1)
    assert home["type"] == "home" and "factbot settings" in json.dumps(home)

    # pick a channel, then turn "answer every question" on there
    pick = {"type": "conversations_select", "action_id": "settings-channel"}
    await h.interact(home_click(ADMIN, home, {**pick, "selected_conversation": "C1"}))
    home = await published(h, 2)
    assert home["private_metadata"] == "C1"
    turn_on = element(home, "settings-set-every_question", "C1|every_question|1")
    await h.interact(home_click(ADMIN, home, turn_on))
    home = await published(h, 3)
    assert (await h.desk.channels.settings(CHANNEL)).every_question is True
    assert "Answers every message that ends with “?”: *on*" in json.dumps(home, ensure_ascii=False)

    # someone else sees a refusal, and a forged click changes nothing
    await h.event(home_event("U1"))
    refusal = await published(h, 4)
    assert ADMINS_ONLY in json.dumps(refusal) and "settings-set" not in json.dumps(refusal)
    turn_off = element(home, "settings-set-every_question", "C1|every_question|0")
    await h.interact(home_click("U1", home, turn_off))
    await published(h, 5)
    assert (await h.desk.channels.settings(CHANNEL)).every_question is True
