"""The engine and its Redis store under load and faults: bursts past the pool, outages and
restarts, a lock taken just after another process answered, and research that never returns."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
import redis.asyncio as aioredis

from answers import (
    AnswerEngine,
    RedisStore,
    ResearchFailed,
    StoreUnavailable,
    connect_redis,
)
from answers.cache import question_key
from answers.question import normalise_question, question_hash
from tests.answers.engine_worker import research_runs, spawn_worker
from tests.answers.fake_backend import ScriptedBackend, draft_for
from tests.answers.redis_server import RedisServer

CLOCK = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)


def store_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "answers.store"]


def pool_connections(store: RedisStore) -> int:
    pool = store.client.connection_pool
    return len(pool._available_connections) + len(pool._in_use_connections)  # type: ignore[attr-defined]


@pytest.fixture
async def small_pools(redis_url: str, namespace: str) -> AsyncIterator[list[RedisStore]]:
    """Two stores on one namespace, as two processes would have, each with a pool of 10."""
    stores = [
        RedisStore(connect_redis(redis_url, pool_size=10), namespace=namespace) for _ in range(2)
    ]
    yield stores
    client = stores[0].client
    keys = [k async for k in client.scan_iter(match=f"{namespace}*")]
    if keys:
        await client.delete(*keys)
    for store in stores:
        await store.aclose()


# --- 1. a bounded, blocking pool --------------------------------------------------------------


async def test_a_300_way_burst_waits_for_connections_and_researches_each_question_once(
    small_pools: list[RedisStore], caplog: pytest.LogCaptureFixture
) -> None:
    backends = [ScriptedBackend(delay=0.05), ScriptedBackend(delay=0.05)]
    engines = [
        AnswerEngine(backend, store, clock=lambda: CLOCK)
        for backend, store in zip(backends, small_pools, strict=True)
    ]
    questions = [f"Burst question number {n}?" for n in range(30)]
    with caplog.at_level(logging.WARNING, logger="answers.store"):
        cold = await asyncio.gather(
            *(engines[i % 2].ask_traced(questions[i % 30]) for i in range(300))
        )
        warm = await asyncio.gather(
            *(engines[i % 2].ask_traced(questions[i % 30]) for i in range(300))
        )
    assert sum(b.runs for b in backends) == 30  # one research run per question, not one more
    assert [o.cache for o in cold].count("miss") == 30
    assert all(o.cache == "hit" for o in warm)
    assert store_warnings(caplog) == []  # a busy pool is not an outage
    assert not any(store.is_down for store in small_pools)
    assert all(pool_connections(store) <= 10 for store in small_pools)


async def test_a_full_pool_or_a_refused_command_does_not_open_the_breaker(
    redis_url: str, namespace: str, caplog: pytest.LogCaptureFixture
) -> None:
    # A plain (raising) pool of one connection, held by someone outside the store.
    client = aioredis.Redis.from_url(redis_url, max_connections=1)
    store = RedisStore(client, namespace=namespace)
    holder = await client.connection_pool.get_connection()
    try:
        with caplog.at_level(logging.WARNING, logger="answers.store"):
            with pytest.raises(StoreUnavailable):
                await store.get("anything")
    finally:
        await client.connection_pool.release(holder)
    assert not store.is_down
    assert store_warnings(caplog) == []
    await store.hset("a-hash", "field", "value", ttl=60)
    with caplog.at_level(logging.WARNING, logger="answers.store"):
        with pytest.raises(StoreUnavailable):
            await store.incr("a-hash", ttl=60)  # WRONGTYPE: a refused command
    assert not store.is_down
    assert await store.get("missing") is None  # the next call goes straight to Redis
    await client.delete(namespace + "a-hash")
    await store.aclose()


async def test_one_warning_when_redis_goes_away_and_one_when_it_is_back(
    private_redis: RedisServer, private_store: RedisStore, caplog: pytest.LogCaptureFixture
) -> None:
    async def burst() -> list[object]:
        return await asyncio.gather(
            *(private_store.get(f"k{i}") for i in range(60)), return_exceptions=True
        )

    with caplog.at_level(logging.WARNING, logger="answers.store"):
        assert all(r is None for r in await burst())  # fills the pool
        private_redis.stop()
        failed = await burst() + await burst()
        assert all(isinstance(r, StoreUnavailable) for r in failed)
        private_redis.start()
        for _ in range(3):
            assert all(r is None for r in await burst())
    warnings = store_warnings(caplog)
    assert len(warnings) == 2, warnings
    assert "unreachable" in warnings[0]
    assert "reachable again" in warnings[1]


async def test_a_restart_between_calls_is_not_reported_as_an_outage(
    private_redis: RedisServer, private_store: RedisStore, caplog: pytest.LogCaptureFixture
) -> None:
    await asyncio.gather(*(private_store.get(f"k{i}") for i in range(60)))
    private_redis.stop()
    private_redis.start()  # every pooled connection is now stale
    with caplog.at_level(logging.WARNING, logger="answers.store"):
        found = await asyncio.gather(*(private_store.get(f"k{i}") for i in range(60)))
    assert found == [None] * 60
    assert store_warnings(caplog) == []


async def test_calls_queued_for_a_connection_fail_fast_once_redis_is_down(
    private_redis: RedisServer,
) -> None:
    store = RedisStore(connect_redis(private_redis.url, pool_size=2), retry_interval=30)
    await store.get("warm")
    private_redis.stop()
    started = time.monotonic()
    results = await asyncio.gather(
        *(store.get(f"k{i}") for i in range(200)), return_exceptions=True
    )
    assert all(isinstance(r, StoreUnavailable) for r in results)
    assert time.monotonic() - started < 2  # not 100 rounds of connection attempts
    await store.aclose()


# --- 2. the cache is read again once the lock is held -----------------------------------------


class AnswerArrivesBeforeTheLock(RedisStore):
    """A real store that lets another process answer the question just before the first lock
    is taken: the moment between this engine's cache lookup and its lock."""

    def __init__(self, client: aioredis.Redis, *, namespace: str, redis_url: str) -> None:
        super().__init__(client, namespace=namespace)
        self.redis_url = redis_url
        self.question = ""
        self.other_process_answered = False

    async def set(self, key: str, value: bytes, *, ttl: float, only_new: bool = False) -> bool:
        if key.startswith("lock:") and not self.other_process_answered:
            self.other_process_answered = True
            worker = spawn_worker(self.redis_url, self.namespace, self.question)
            out, _ = await asyncio.to_thread(worker.communicate, timeout=30)
            assert worker.returncode == 0 and out.split()[-1] == "miss", out
        return await super().set(key, value, ttl=ttl, only_new=only_new)


async def test_a_lock_taken_after_another_process_answered_does_not_research_again(
    redis_url: str, namespace: str, redis_client: aioredis.Redis
) -> None:
    store = AnswerArrivesBeforeTheLock(
        connect_redis(redis_url), namespace=namespace, redis_url=redis_url
    )
    store.question = "Answered elsewhere a moment ago?"
    backend = ScriptedBackend()
    try:
        outcome = await AnswerEngine(backend, store).ask_traced(store.question)
        assert store.other_process_answered
        assert backend.runs == 0
        assert outcome.cache == "shared"
        assert await research_runs(redis_client, namespace) == 1
        qhash = question_hash(normalise_question(store.question), namespace="scripted")
        assert await redis_client.get(f"{namespace}lock:{qhash}") is None
    finally:
        keys = [k async for k in redis_client.scan_iter(match=f"{namespace}*")]
        if keys:
            await redis_client.delete(*keys)
        await store.aclose()


# --- 5. a research deadline -----------------------------------------------------------------


async def test_a_hanging_backend_is_cut_off_at_the_deadline(
    redis_store: RedisStore, redis_client: aioredis.Redis, namespace: str
) -> None:
    hanging = ScriptedBackend(gate=asyncio.Event())  # never opened
    engine = AnswerEngine(hanging, redis_store, research_deadline=0.3, lock_ttl=0.3)
    question = "Does this research ever end?"
    asks = [asyncio.create_task(engine.ask(question)) for _ in range(3)]
    started = time.monotonic()
    results = await asyncio.wait_for(asyncio.gather(*asks, return_exceptions=True), 5)
    assert time.monotonic() - started < 2
    assert all(isinstance(r, ResearchFailed) for r in results)
    assert "longer than 0.3 s" in str(results[0])
    assert hanging.runs == 1

    qhash = question_hash(normalise_question(question), namespace="scripted")
    assert await redis_client.get(f"{namespace}lock:{qhash}") is None  # released
    assert await redis_client.get(namespace + question_key(qhash)) is None  # nothing cached
    working = ScriptedBackend()
    outcome = await AnswerEngine(working, redis_store).ask_traced(question)
    assert (outcome.cache, working.runs) == ("miss", 1)


async def test_a_waiting_process_answers_once_the_holder_passes_its_deadline(
    redis_store: RedisStore,
) -> None:
    hanging = ScriptedBackend(gate=asyncio.Event())
    holder = AnswerEngine(hanging, redis_store, research_deadline=0.5)
    working = ScriptedBackend()
    waiter = AnswerEngine(working, redis_store, research_deadline=0.5)
    first = asyncio.create_task(holder.ask("Stuck elsewhere?"))
    await hanging.entered.wait()
    second = await asyncio.wait_for(waiter.ask_traced("Stuck elsewhere?"), 5)
    with pytest.raises(ResearchFailed):
        await first
    assert second.cache == "miss"
    assert (hanging.runs, working.runs) == (1, 1)


# --- the cached path ----------------------------------------------------------------------


async def test_a_process_sees_an_answer_another_process_researched_again(
    redis_store: RedisStore,
) -> None:
    first_backend = ScriptedBackend()
    reader = AnswerEngine(first_backend, redis_store, clock=lambda: CLOCK)
    first = await reader.ask_traced("Did the answer change?")
    again = await reader.ask_traced("Did the answer change?")  # from this process's memory
    assert (first.cache, again.cache) == ("miss", "hit") and again.answer == first.answer

    newer = ScriptedBackend(write=lambda q: draft_for(q, version="2"))
    refreshed = await AnswerEngine(newer, redis_store, clock=lambda: CLOCK).ask_traced(
        "Did the answer change?", refresh=True
    )
    assert refreshed.answer.id != first.answer.id
    seen = await reader.ask_traced("Did the answer change?")
    assert seen.cache == "hit"
    assert seen.answer.id == refreshed.answer.id  # not the copy this process remembered
