"""`/healthz`: 200 when Redis and every adapter are up, 503 when anything is down."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest

from adapters.http.health import HealthCheck
from answers import MemoryStore, RedisStore, connect_redis
from tests.adapters.http.conftest import serve_api


@pytest.fixture
async def unreachable_redis() -> AsyncIterator[RedisStore]:
    """A RedisStore pointed at a loopback port nothing listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    store = RedisStore(connect_redis(f"redis://127.0.0.1:{port}/0"))
    yield store
    await store.aclose()


async def test_healthy_when_redis_and_the_api_are_up(redis_store: RedisStore) -> None:
    async with serve_api(redis_store) as rig:
        response = await rig.client.get("/healthz")
        assert response.status == 200
        assert await response.json() == {"status": "ok", "checks": {"redis": "up", "api": "up"}}


async def test_unhealthy_when_redis_is_unreachable(unreachable_redis: RedisStore) -> None:
    async with serve_api(unreachable_redis) as rig:
        response = await rig.client.get("/healthz")
        assert response.status == 503
        assert await response.json() == {
            "status": "unhealthy",
            "checks": {"redis": "down", "api": "up"},
        }


async def test_unhealthy_once_an_adapter_drains(redis_store: RedisStore) -> None:
    async with serve_api(redis_store) as rig:
        await rig.adapter.drain()
        response = await rig.client.get("/healthz")
        assert response.status == 503
        assert (await response.json())["checks"] == {"redis": "up", "api": "down"}


async def test_without_redis_the_memory_store_counts_as_healthy() -> None:
    async with serve_api(MemoryStore()) as rig:
        response = await rig.client.get("/healthz")
        assert response.status == 200
        assert (await response.json())["checks"]["redis"] == "not configured"


async def test_the_check_reads_the_adapter_list_the_runner_fills(redis_store: RedisStore) -> None:
    health = HealthCheck(redis_store)
    assert (await health.run()).checks == {"redis": "up"}
    async with serve_api(redis_store) as rig:
        running = [rig.adapter]
        health = HealthCheck(redis_store, adapters=running)
        await rig.adapter.drain()
        report = await health.run()
        assert report.status == "unhealthy" and report.checks["api"] == "down"
