"""An HTTP API on a real engine over real Redis, served by aiohttp's own test server.

The only fake is the research backend (the outside world): it writes a small
draft, or fails for a question containing "explode", and can be held at a
gate to catch an answer in flight.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from adapters.desk import QuestionDesk
from adapters.http import HealthCheck, HttpApiAdapter
from answers import (
    AnswerEngine,
    Draft,
    DraftClaim,
    DraftSection,
    DraftSource,
    EngineInfo,
    ProgressCallback,
    RedisStore,
    Store,
)
from bot.metrics import FactbotMetrics

FAILING_WORD = "explode"


@dataclass
class ScriptedBackend:
    """Researches by writing a three-section draft over two sources."""

    calls: list[str] = field(default_factory=list)
    gate: asyncio.Event | None = None
    entered: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def cache_namespace(self) -> str:
        return "http-test"

    async def research(
        self,
        question: str,
        *,
        progress: ProgressCallback | None,
        extra_terms: Sequence[str] = (),
    ) -> Draft:
        self.calls.append(question)
        self.entered.set()
        if self.gate is not None:
            await self.gate.wait()
        if FAILING_WORD in question:
            raise RuntimeError("the search provider is down")
        sources = (
            DraftSource(title="Caching in factbot", url="https://docs.example.org/cache"),
            DraftSource(title="Redis keys", url="https://docs.example.org/redis", publisher="Docs"),
        )
        sections = tuple(
            DraftSection(
                heading=f"What source {i % 2 + 1} shows",
                claims=(DraftClaim(text=f"Finding {i} about {question}", cites=(i % 2,)),),
            )
            for i in range(3)
        )
        return Draft(
            summary=(DraftClaim(text="Answers are cached in Redis.", cites=(0, 1)),),
            sections=sections,
            limitations=(DraftClaim(text="The sources do not give numbers."),),
            sources=sources,
            follow_ups=("How long is an answer kept?", "What is a cache key?", "Can I refresh?"),
            engine=EngineInfo(backend="scripted", writer="test", version="1"),
        )

    async def aclose(self) -> None:
        return None


@dataclass
class ApiRig:
    client: TestClient[web.Request, web.Application]
    adapter: HttpApiAdapter
    desk: QuestionDesk
    metrics: FactbotMetrics
    backend: ScriptedBackend


@asynccontextmanager
async def serve_api(
    store: Store,
    *,
    backend: ScriptedBackend | None = None,
    api_token: str | None = None,
    per_minute: int = 1000,
    client_max_size: int = 1024**2,
) -> AsyncIterator[ApiRig]:
    """Everything `factbot run api` builds, wired the way the runner wires it."""
    backend = backend or ScriptedBackend()
    engine = AnswerEngine(backend, store)
    desk = QuestionDesk.over(engine, store, per_minute=per_minute)
    metrics = FactbotMetrics()
    metrics.watch(desk)
    health = HealthCheck(store)
    adapter = HttpApiAdapter(desk, health=health, metrics=metrics.registry, api_token=api_token)
    health.adapters = [adapter]
    app = web.Application(client_max_size=client_max_size)
    adapter.mount(app)
    async with TestClient(TestServer(app)) as client:
        yield ApiRig(client=client, adapter=adapter, desk=desk, metrics=metrics, backend=backend)


@pytest.fixture
async def api(redis_store: RedisStore) -> AsyncIterator[ApiRig]:
    async with serve_api(redis_store) as rig:
        yield rig
