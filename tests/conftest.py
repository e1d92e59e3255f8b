"""Shared fixtures: real Redis on loopback, each test on its own key namespace."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from answers.store import RedisStore, connect_redis

REDIS_URL = os.environ.get("FACTBOT_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_url() -> str:
    return REDIS_URL


@pytest.fixture
def namespace() -> str:
    return f"test:{uuid.uuid4().hex[:12]}:factbot:v1:"


@pytest.fixture
async def redis_client() -> AsyncIterator[aioredis.Redis]:
    client = connect_redis(REDIS_URL)
    try:
        await client.ping()
    except Exception as exc:  # pragma: no cover - CI always has Redis
        pytest.fail(f"tests need Redis at {REDIS_URL}: {exc}")
    yield client
    await client.aclose()


@pytest.fixture
async def redis_store(redis_client: aioredis.Redis, namespace: str) -> AsyncIterator[RedisStore]:
    store = RedisStore(redis_client, namespace=namespace)
    yield store
    keys = [k async for k in redis_client.scan_iter(match=f"{namespace}*")]
    if keys:
        await redis_client.delete(*keys)
