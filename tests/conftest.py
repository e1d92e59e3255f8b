"""Shared fixtures: real Redis on loopback, each test on its own key namespace.

The suite is hermetic: at import, before any test runs, every variable factbot reads (and any
other `FACTBOT_*`) is removed from this process's environment, so neither the caller's shell
(`REDIS_URL`, `FACTBOT_LOG_LEVEL=debug`, ...) nor a subprocess a test starts sees it; the corpus
index cache and the chat history go to temporary folders, not the caller's home. Every key a
test writes is under this run's prefix; the run fails if any is left behind.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
import redis
import redis.asyncio as aioredis
from pydantic import AliasChoices

from answers.store import RedisStore, connect_redis
from bot.config import Settings

REDIS_URL = os.environ.get("FACTBOT_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
# Every key of this run starts with it; other runs on the shared Redis have their own.
RUN_PREFIX = f"test:{uuid.uuid4().hex[:8]}:"


def factbot_variable_names() -> set[str]:
    """Every environment variable `Settings` reads."""
    names: set[str] = set()
    for info in Settings.model_fields.values():
        alias = info.validation_alias
        if isinstance(alias, AliasChoices):
            names.update(str(choice) for choice in alias.choices)
    return names


def _isolate_from_the_callers_environment() -> None:
    names = factbot_variable_names()
    for name in list(os.environ):
        if name in names or (name.startswith("FACTBOT_") and not name.startswith("FACTBOT_TEST_")):
            del os.environ[name]
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="factbot-tests-cache-")
    os.environ["XDG_STATE_HOME"] = tempfile.mkdtemp(prefix="factbot-tests-state-")


_isolate_from_the_callers_environment()


@pytest.fixture
def redis_url() -> str:
    return REDIS_URL


@pytest.fixture
def namespace() -> Iterator[str]:
    """A key prefix of the test's own; whatever the test (or a process it started) wrote under
    it is deleted afterwards."""
    prefix = f"{RUN_PREFIX}{uuid.uuid4().hex[:12]}:factbot:v1:"
    yield prefix
    _delete_keys(f"{prefix}*")


def _delete_keys(pattern: str) -> list[str]:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        keys = list(client.scan_iter(match=pattern, count=1000))
        if keys:
            client.delete(*keys)
        return [key.decode(errors="replace") for key in keys]
    except redis.ConnectionError:  # the tests that need Redis say so themselves
        return []
    finally:
        client.close()


def _keys_outside_test_prefixes() -> set[str]:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        return {
            key.decode(errors="replace")
            for key in client.scan_iter(count=1000)
            if not key.startswith(b"test:")
        }
    except redis.ConnectionError:
        return set()
    finally:
        client.close()


@pytest.fixture(scope="session", autouse=True)
def no_keys_left_behind() -> Iterator[None]:
    """Fails the run if it left keys in Redis: under this run's prefix once every test's
    namespace was cleaned (a process or task outlived its test), or outside any test prefix
    (a test wrote where the fixtures do not clean)."""
    before = _keys_outside_test_prefixes()
    yield
    left = _delete_keys(f"{RUN_PREFIX}*")
    strays = _keys_outside_test_prefixes() - before
    assert not left, f"tests left {len(left)} Redis keys behind, e.g. {sorted(left)[:5]}"
    assert not strays, (
        f"tests wrote {len(strays)} keys outside test: prefixes: {sorted(strays)[:5]}"
    )


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
