"""Starting, health, closing, sharding options and syncing commands, against the fake Discord."""

from __future__ import annotations

import asyncio
import logging
import socket

import discord
import pytest

from adapters.base import Adapter, PlatformUnavailable
from adapters.desk import QuestionDesk
from adapters.discord import DiscordAdapter, sync_commands, use_api_url
from tests.adapters.discord.conftest import TOKEN, StartAdapter
from tests.adapters.discord.fake_discord import APP_ID, FakeDiscord
from tests.adapters.discord.payloads import guild_create


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


READY_WAIT_SECONDS = 10.0  # discord.py waits 2 s for guilds after READY before it is ready


async def until_ready(adapter: DiscordAdapter) -> None:
    """discord.py's own "ready" event, the moment the adapter becomes healthy."""
    async with asyncio.timeout(READY_WAIT_SECONDS):
        await adapter.client.wait_until_ready()


async def test_start_connects_the_gateway_and_health_follows_it(
    start_adapter: StartAdapter, fake_discord: FakeDiscord
) -> None:
    adapter = await start_adapter()
    runs_as: Adapter = adapter  # the protocol `bot` runs
    assert runs_as.name == "discord"
    identify = fake_discord.identified[-1]
    assert identify["token"] == TOKEN
    # Default intents: no presences (1 << 8), members (1 << 1) or message content (1 << 15).
    intents = identify["intents"]
    assert intents == discord.Intents.default().value
    assert not intents & (1 << 1 | 1 << 8 | 1 << 15)
    await until_ready(adapter)
    assert adapter.is_healthy()
    assert not any(c.method == "PUT" for c in fake_discord.calls)  # no command sync on connect

    await adapter.aclose()
    assert not adapter.is_healthy()


async def test_a_shard_subset_identifies_as_those_shards(
    start_adapter: StartAdapter, fake_discord: FakeDiscord
) -> None:
    await start_adapter(shard_ids=[1], shard_count=3)
    assert fake_discord.identified[-1]["shard"] == [1, 3]


def test_shard_ids_need_a_shard_count(desk: QuestionDesk) -> None:
    with pytest.raises(ValueError, match="shard_count"):
        DiscordAdapter(desk, token=TOKEN, shard_ids=[0, 1])


async def test_not_healthy_before_start(desk: QuestionDesk, fake_discord: FakeDiscord) -> None:
    adapter = DiscordAdapter(desk, token=TOKEN, api_url=fake_discord.url)
    assert not adapter.is_healthy()
    adapter.mount(None)  # type: ignore[arg-type]  # nothing to mount: no HTTP routes
    await adapter.aclose()


async def test_a_bad_token_fails_start(desk: QuestionDesk, fake_discord: FakeDiscord) -> None:
    adapter = DiscordAdapter(desk, token="bad", api_url=fake_discord.url)
    fake_discord.unauthorized_tokens.add("bad")
    with pytest.raises(PlatformUnavailable, match="Discord refused the bot token"):
        await adapter.start()
    assert not adapter.is_healthy()


async def test_an_unreachable_discord_fails_start_in_one_line(
    desk: QuestionDesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)  # put back after
    adapter = DiscordAdapter(desk, token="a.b.c", api_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(PlatformUnavailable, match=r"Discord cannot be reached at http://127\.0"):
        await adapter.start()


async def test_the_gateway_is_connected_again_after_discord_was_unreachable(
    desk: QuestionDesk, fake_discord: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    fake_discord.refuse(lambda c: c.path == "/gateway/bot", (400, 0, "Try later"))
    adapter = DiscordAdapter(
        desk, token="a.b.c", api_url=fake_discord.url, reconnect_seconds=(0.1, 0.4)
    )
    with caplog.at_level(logging.WARNING, logger="adapters.discord.adapter"):
        await adapter.start()  # logged in; the gateway is what fails
        for _ in range(100):
            if len(caplog.records) >= 2:
                break
            await asyncio.sleep(0.02)
    assert len(caplog.records) >= 2  # one warning per failed try, and it kept trying
    assert "trying again" in caplog.records[0].getMessage()
    assert not adapter.is_healthy()
    fake_discord.refusals.clear()  # Discord is back
    await fake_discord.wait_identified(1)
    await fake_discord.dispatch("GUILD_CREATE", guild_create())
    await until_ready(adapter)
    assert adapter.is_healthy()
    await adapter.aclose()


@pytest.mark.parametrize("guild_id", [None, 1400000000000000004])
async def test_sync_commands_registers_every_command(
    fake_discord: FakeDiscord, guild_id: int | None
) -> None:
    names = await sync_commands(TOKEN, guild_id=guild_id, api_url=fake_discord.url)
    assert sorted(names) == ["Fact-check this message", "factbot", "factcheck"]
    [put] = [c for c in fake_discord.calls if c.method == "PUT"]
    where = f"/guilds/{guild_id}" if guild_id else ""
    assert put.path == f"/applications/{APP_ID}{where}/commands"
    by_name = {c["name"]: c for c in put.body}
    slash, menu = by_name["factcheck"], by_name["Fact-check this message"]
    # /factbot settings: servers only, shown to members with Manage Server (1 << 5)
    settings = by_name["factbot"]
    assert int(settings["default_member_permissions"]) == 1 << 5
    assert settings["contexts"] == [0] and settings["integration_types"] == [0]
    [group] = settings["options"]
    assert group["name"] == "settings" and group["type"] == 2
    assert [c["name"] for c in group["options"]] == ["show", "channel", "server", "reset"]
    assert slash["options"][0]["name"] == "question" and slash["options"][0]["required"]
    assert slash["options"][1]["name"] == "private" and not slash["options"][1]["required"]
    assert menu["type"] == 3  # a message context menu
    assert slash["contexts"] == [0, 1, 2] and slash["integration_types"] == [0, 1]


def test_api_url_gains_a_version_when_it_names_none(fake_discord: FakeDiscord) -> None:
    assert use_api_url("http://127.0.0.1:9/") == "http://127.0.0.1:9/api/v10"
    assert use_api_url("http://127.0.0.1:9/api/v9") == "http://127.0.0.1:9/api/v9"
    assert discord.http.Route.BASE == "http://127.0.0.1:9/api/v9"
