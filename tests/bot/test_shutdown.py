"""SIGTERM mid-answer: `factbot run discord api` tells every asker. Answers that finish within the
grace are delivered; the rest get "restarting" in their place on Discord (a slash command's
"thinking…", a mention's reply) and a 503 `shutting_down` on the HTTP API."""

from __future__ import annotations

import asyncio
import signal
import socket
from collections.abc import AsyncIterator
from datetime import timedelta

import aiohttp
import discord
import pytest
import yarl
from discord.gateway import DiscordWebSocket
from pydantic import SecretStr

from adapters.wording import RESTARTING
from answers import RedisStore
from bot.config import Settings
from bot.run import run
from bot.wiring import build
from tests.adapters.discord.fake_discord import BOT_ID, BOT_USER, FakeDiscord
from tests.adapters.discord.payloads import CHANNEL_ID, guild_create, message, slash_command
from tests.adapters.discord.reports import followup_path, original_path
from tests.answers.fake_backend import ScriptedBackend

TOKEN = "MTA" + "a" * 21 + ".Gh1xYz." + "b" * 27  # shaped like a bot token


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def fake_discord(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    fake = FakeDiscord()
    await fake.start()
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway_url))
    yield fake
    await fake.stop()


async def test_sigterm_mid_answer_tells_every_asker(
    fake_discord: FakeDiscord, redis_store: RedisStore
) -> None:
    port = free_port()
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        host="127.0.0.1",
        port=port,
        shutdown_grace=timedelta(seconds=1),
        discord_token=SecretStr(TOKEN),
        discord_api_url=fake_discord.url,
        rate_limit_per_minute=0,
    )
    backend = ScriptedBackend(gate=asyncio.Event())  # research that will not end by itself
    services = build(settings, adapters=["discord", "api"], store=redis_store, backend=backend)
    stop = asyncio.Event()
    running = asyncio.create_task(run(services, stop=stop))
    await fake_discord.wait_identified(1)
    await fake_discord.dispatch("GUILD_CREATE", guild_create())

    interaction = slash_command("Will this answer survive a restart?")
    await fake_discord.dispatch("INTERACTION_CREATE", interaction)
    mention = message(f"<@{BOT_ID}> and will this one?", mentions=[BOT_USER])
    await fake_discord.dispatch("MESSAGE_CREATE", mention)
    async with aiohttp.ClientSession() as session:
        asked = asyncio.create_task(
            session.post(
                f"http://127.0.0.1:{port}/v1/answers",
                json={"question": "And one over the API?"},
            )
        )
        for _ in range(200):  # all three are researching
            if backend.runs == 3:
                break
            await asyncio.sleep(0.02)
        assert backend.runs == 3

        signal.raise_signal(signal.SIGTERM)  # what `docker stop` sends
        response = await asyncio.wait_for(asked, 10)
        assert response.status == 503
        body = await response.json()
        assert body["error"]["code"] == "shutting_down"
        assert response.headers["Retry-After"]
    assert await asyncio.wait_for(running, 10) == 0

    def says_restarting(path: str) -> bool:
        return any(
            c.path == path and RESTARTING in (str(c.body) + " ".join(c.texts()))
            for c in fake_discord.calls
        )

    # "factbot is thinking…" goes, and the asker is told privately.
    assert any(
        c.method == "DELETE" and c.path == original_path(interaction) for c in fake_discord.calls
    )
    assert says_restarting(followup_path(interaction))
    assert says_restarting(f"/channels/{CHANNEL_ID}/messages")  # the mention got words too


async def test_answers_that_finish_within_the_grace_are_delivered(
    fake_discord: FakeDiscord, redis_store: RedisStore
) -> None:
    port = free_port()
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        host="127.0.0.1",
        port=port,
        shutdown_grace=timedelta(seconds=5),
        rate_limit_per_minute=0,
    )
    backend = ScriptedBackend(delay=0.5)
    services = build(settings, adapters=["api"], store=redis_store, backend=backend)
    stop = asyncio.Event()
    running = asyncio.create_task(run(services, stop=stop))
    async with aiohttp.ClientSession() as session:
        for _ in range(200):
            try:
                async with session.get(f"http://127.0.0.1:{port}/healthz") as health:
                    if health.status == 200:
                        break
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.02)
        asked = asyncio.create_task(
            session.post(f"http://127.0.0.1:{port}/v1/answers", json={"question": "Slow one?"})
        )
        await backend.entered.wait()
        stop.set()
        response = await asyncio.wait_for(asked, 10)
        assert response.status == 200
        assert (await response.json())["cache"] == "miss"
    assert await asyncio.wait_for(running, 10) == 0
