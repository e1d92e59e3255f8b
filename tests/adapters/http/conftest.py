"""An HTTP API on a real engine over real Redis, served by aiohttp's own test server.

The only fake is the research backend (the outside world, `ScriptedBackend`):
it writes a small draft, or fails for a question containing "explode", and
can be held at a gate to catch an answer in flight.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from adapters.desk import QuestionDesk
from adapters.http import HealthCheck, HttpApiAdapter
from answers import (
    AnswerEngine,
    RedisStore,
    Store,
)
from bot.metrics import FactbotMetrics
from tests.answers.fake_backend import ScriptedBackend

FAILING_WORD = "explode"


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
    backend = backend or ScriptedBackend(fail_on=FAILING_WORD)
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
