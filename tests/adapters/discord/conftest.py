"""A fake Discord on loopback, a real engine and desk over Redis, and adapters started against them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any

import discord
import pytest
import yarl
from discord.gateway import DiscordWebSocket

from adapters.desk import QuestionDesk
from adapters.discord import DiscordAdapter
from answers import (
    AnswerEngine,
    Draft,
    DraftClaim,
    DraftSection,
    DraftSource,
    EngineInfo,
    RedisStore,
)
from tests.adapters.discord.fake_discord import FakeDiscord
from tests.adapters.discord.payloads import guild_create
from tests.answers.fake_backend import ScriptedBackend

TOKEN = "fake.discord.token"
LOOPBACK = ("http://127.0.0.1:", "ws://127.0.0.1:")


FOLLOW_UPS = (
    "Who measured it first?",
    "How sure are the sources?",
    "What changed since the last report on this very long topic that goes on and on past "
    "eighty characters?",
)


def discord_draft(
    question: str, *, sections: int = 3, follow_ups: Sequence[str] = FOLLOW_UPS
) -> Draft:
    """A small report about whatever was asked, with `sections` numbered findings."""
    return Draft(
        summary=(
            DraftClaim(f"What the sources say about: {question}", (0,)),
            DraftClaim("A second finding.", (1,)),
        ),
        sections=tuple(
            DraftSection(
                f"Finding {i + 1} about the question",
                (DraftClaim(f"Evidence {i + 1} in full detail.", (i % 2,)),),
            )
            for i in range(sections)
        ),
        limitations=(DraftClaim("The sources are few."),),
        sources=(
            DraftSource("First source", "https://example.org/one", "Example Org"),
            DraftSource("Second source", "https://example.net/two", "Example Net"),
        ),
        follow_ups=tuple(follow_ups),
        engine=EngineInfo(backend="test", writer="draft", version="1"),
    )


@pytest.fixture
def backend() -> ScriptedBackend:
    return ScriptedBackend(write=discord_draft, cache_namespace="discord-tests")


@pytest.fixture
def desk(backend: ScriptedBackend, redis_store: RedisStore) -> QuestionDesk:
    return QuestionDesk.over(AnswerEngine(backend, redis_store), redis_store)


@pytest.fixture
async def fake_discord(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    fake = FakeDiscord()
    await fake.start()
    # Whatever a test sets, the process-wide REST base and the default gateway are put back
    # afterwards, and the default gateway is loopback too (discord.py uses it with shard counts).
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway_url))
    yield fake
    await fake.stop()


StartAdapter = Callable[..., Awaitable[DiscordAdapter]]


@pytest.fixture
async def start_adapter(
    fake_discord: FakeDiscord, desk: QuestionDesk
) -> AsyncIterator[StartAdapter]:
    """Start a `DiscordAdapter` on the fake (gateway connected, a guild delivered)."""
    started: list[DiscordAdapter] = []

    async def start(*, desk_: QuestionDesk = desk, **options: Any) -> DiscordAdapter:
        adapter = DiscordAdapter(desk_, token=TOKEN, api_url=fake_discord.url, **options)
        assert discord.http.Route.BASE.startswith(LOOPBACK)
        identified = len(fake_discord.identified)
        await adapter.start()
        started.append(adapter)
        await fake_discord.wait_identified(identified + 1)
        await fake_discord.dispatch("GUILD_CREATE", guild_create())
        return adapter

    yield start
    for adapter in started:
        await adapter.aclose()
    await desk.tasks.drain(5)
