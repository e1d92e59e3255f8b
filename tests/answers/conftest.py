"""Fixtures for the engine's tests: a private Redis a test may stop and restart."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from answers import RedisStore, connect_redis
from tests.answers.redis_server import RedisServer


@pytest.fixture
def private_redis() -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def private_store(private_redis: RedisServer) -> AsyncIterator[RedisStore]:
    store = RedisStore(connect_redis(private_redis.url), retry_interval=0)
    yield store
    await store.aclose()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test with a private Redis starts a server process: it is `slow`."""
    for item in items:
        if "private_redis" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)
