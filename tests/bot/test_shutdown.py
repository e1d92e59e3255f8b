"""SIGTERM mid-answer: `factbot run discord api` tells every asker. Answers that finish within the
grace are delivered; the rest get "restarting" in their place on Discord (a slash command's
"thinking…", a mention's reply) and a 503 `shutting_down` on the HTTP API."""

from __future__ import annotations

import asyncio
import signal
from datetime import timedelta

import aiohttp
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
from tests.answers.redis_server import free_port

TOKEN = "MTA" + "a" * 21 + ".Gh1xYz." + "b" * 27  # shaped like a bot token


def settings_on(port: int, grace: float, **more: object) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        host="127.0.0.1",
        port=port,
        shutdown_grace=timedelta(seconds=grace),
        rate_limit_per_minute=0,
        **more,  # type: ignore[arg-type]
    )


async def test_sigterm_mid_answer_tells_every_asker(
    fake_discord: FakeDiscord, redis_store: RedisStore
) -> None:
    port = free_port()
    settings = settings_on(
        port, 1, discord_token=SecretStr(TOKEN), discord_api_url=fake_discord.url
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
    redis_store: RedisStore,
) -> None:
    port = free_port()
    settings = settings_on(port, 5)
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
