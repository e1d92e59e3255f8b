"""Discord: `/factbot settings` for members with Manage Server (refused for everyone else),
"answer every question", a disabled channel and private-by-default replies."""

from __future__ import annotations

import asyncio
from typing import Any

from adapters.desk import QuestionDesk
from adapters.discord.settings import MANAGE_SERVER_ONLY
from answers.channels import ChannelScope
from tests.adapters.discord.conftest import StartAdapter
from tests.adapters.discord.fake_discord import BOT_ID, BOT_USER, EPHEMERAL, Call, FakeDiscord
from tests.adapters.discord.payloads import (
    CHANNEL_ID,
    GUILD_ID,
    guild_slash_command,
    message,
    reaction_add,
    settings_command,
)
from tests.adapters.discord.reports import callback_path, followup_path, is_report
from tests.answers.fake_backend import ScriptedBackend

CHANNEL = ChannelScope("discord", GUILD_ID, CHANNEL_ID)


async def settings_reply(fake: FakeDiscord, interaction: dict[str, Any]) -> str:
    """What the person saw: a private reply (a first response or a follow-up after a defer)."""
    await fake.dispatch("INTERACTION_CREATE", interaction)

    def private(call: Call) -> bool:
        if call.path == callback_path(interaction) and call.body.get("type") == 4:
            return True
        return call.path == followup_path(interaction) and call.method == "POST"

    call = await fake.wait_for(private, what="the settings reply")
    data = call.body.get("data", call.body)
    assert data["flags"] & EPHEMERAL
    return str(data["content"])


async def test_manage_server_changes_settings_and_everyone_else_is_refused(
    start_adapter: StartAdapter, fake_discord: FakeDiscord, desk: QuestionDesk
) -> None:
    await start_adapter()
    shown = await settings_reply(fake_discord, settings_command("show"))
    assert "factbot in this channel:" in shown and "Answers questions: on" in shown

    changed = await settings_reply(
        fake_discord, settings_command("channel", every_question=True, private=True)
    )
    assert "ends with “?”: on" in changed and "private by default" in changed
    assert (await desk.channels.settings(CHANNEL)).every_question is True

    refused = await settings_reply(
        fake_discord, settings_command("channel", answers=False, permissions=0)
    )
    assert refused == MANAGE_SERVER_ONLY
    assert (await desk.channels.settings(CHANNEL)).enabled is True

    await settings_reply(fake_discord, settings_command("server", private=False))
    await settings_reply(fake_discord, settings_command("reset"))
    assert (await desk.channels.settings(CHANNEL)).private is False
    other = await settings_reply(fake_discord, settings_command("channel", backend="research"))
    assert "no backend named 'research'" in other


async def test_every_question_answers_a_question_once_and_ignores_the_rest(
    start_adapter: StartAdapter,
    fake_discord: FakeDiscord,
    desk: QuestionDesk,
    backend: ScriptedBackend,
) -> None:
    await start_adapter(message_content=True)
    await fake_discord.dispatch("MESSAGE_CREATE", message("Is tea a fruit?"))  # mode off
    await settings_reply(fake_discord, settings_command("channel", every_question=True))

    question = message("Is the Eiffel Tower taller in summer?")
    await fake_discord.dispatch("MESSAGE_CREATE", question)
    await fake_discord.dispatch("MESSAGE_CREATE", question)  # delivered twice
    await fake_discord.dispatch("MESSAGE_CREATE", message("The Eiffel Tower is in Paris."))
    await fake_discord.dispatch("MESSAGE_CREATE", message("Mine?", author={**BOT_USER, "id": "9"}))
    report = await fake_discord.wait_for(
        lambda c: c.path == f"/channels/{CHANNEL_ID}/messages" and is_report(c),
        what="the report",
    )
    assert report.body["message_reference"]["message_id"] == int(question["id"])
    await asyncio.sleep(0.2)
    assert backend.questions == ["Is the Eiffel Tower taller in summer?"]


async def test_without_the_intent_every_question_reads_nothing(
    start_adapter: StartAdapter,
    fake_discord: FakeDiscord,
    desk: QuestionDesk,
    backend: ScriptedBackend,
) -> None:
    await start_adapter()
    await desk.channels.change_settings(CHANNEL, {"every_question": True})
    await fake_discord.dispatch("MESSAGE_CREATE", message("Is tea a fruit?"))
    await asyncio.sleep(0.2)
    assert backend.questions == []


async def test_a_disabled_channel_is_ignored(
    start_adapter: StartAdapter,
    fake_discord: FakeDiscord,
    desk: QuestionDesk,
    backend: ScriptedBackend,
) -> None:
    await start_adapter(message_content=True)
    await settings_reply(fake_discord, settings_command("channel", answers=False))
    claim = fake_discord.add_message(message("Bats are blind."))
    await fake_discord.dispatch("MESSAGE_REACTION_ADD", reaction_add(claim["id"]))
    await fake_discord.dispatch(
        "MESSAGE_CREATE", message(f"<@{BOT_ID}> are you there?", mentions=[BOT_USER])
    )
    said = await fake_discord.wait_for(
        lambda c: c.method == "POST" and "turned off" in str(c.body.get("content")),
        what="the notice",
    )
    assert said.path == f"/channels/{CHANNEL_ID}/messages"
    refused = await settings_reply(fake_discord, guild_slash_command("Is it on?"))
    assert "turned off in this channel" in refused
    await asyncio.sleep(0.1)
    assert backend.questions == []
    assert not [c for c in fake_discord.calls if c.method == "GET" and "/messages/" in c.path]


async def test_private_by_default_makes_factcheck_ephemeral(
    start_adapter: StartAdapter, fake_discord: FakeDiscord
) -> None:
    await start_adapter()
    await settings_reply(fake_discord, settings_command("channel", private=True))
    interaction = guild_slash_command("Is water wet?")
    await fake_discord.dispatch("INTERACTION_CREATE", interaction)
    defer = await fake_discord.wait_for(lambda c: c.path == callback_path(interaction))
    assert defer.body == {"type": 5, "data": {"flags": EPHEMERAL}}
    public = guild_slash_command("Is ice wet?", private=False)  # the asker's choice wins
    await fake_discord.dispatch("INTERACTION_CREATE", public)
    defer = await fake_discord.wait_for(lambda c: c.path == callback_path(public))
    assert defer.body == {"type": 5}
