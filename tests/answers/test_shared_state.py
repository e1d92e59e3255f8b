"""Event dedupe, rate limits and feedback: shared through real Redis, alive without it."""

from __future__ import annotations

import socket

import pytest

from answers import (
    EventDedupe,
    FeedbackStore,
    MemoryStore,
    RateLimited,
    RateLimiter,
    RedisStore,
    StoreUnavailable,
    connect_redis,
)


def dead_store() -> RedisStore:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return RedisStore(connect_redis(f"redis://127.0.0.1:{port}/0"), retry_interval=0)


async def test_an_event_is_first_only_once_across_instances(redis_store: RedisStore) -> None:
    one, two = EventDedupe(redis_store), EventDedupe(redis_store)
    assert await one.first_time("slack", "Ev1")
    assert not await two.first_time("slack", "Ev1")
    assert await two.first_time("discord", "Ev1")


@pytest.mark.parametrize("kind", ["redis", "memory"])
async def test_several_ids_of_one_event_are_checked_in_one_call(
    redis_store: RedisStore, kind: str
) -> None:
    dedupe = EventDedupe(redis_store if kind == "redis" else MemoryStore())
    assert await dedupe.first_times("slack", "Ev9", "message:C1:1.0") == [True, True]
    # An edited mention: a new event id, the same message.
    assert await dedupe.first_times("slack", "Ev10", "message:C1:1.0") == [True, False]
    assert await dedupe.first_times("slack", "Ev10", "message:C1:2.0") == [False, True]


async def test_dedupe_falls_back_to_memory_when_redis_is_down() -> None:
    store = dead_store()
    dedupe = EventDedupe(store)
    assert await dedupe.first_time("slack", "Ev2")
    assert not await dedupe.first_time("slack", "Ev2")
    assert await dedupe.first_times("slack", "Ev2", "Ev3") == [False, True]
    await store.aclose()


async def test_rate_limit_is_per_person_and_shared(redis_store: RedisStore) -> None:
    now = 1_000_020.0
    a = RateLimiter(redis_store, per_window=3, clock=lambda: now)
    b = RateLimiter(redis_store, per_window=3, clock=lambda: now)
    await a.check("slack", "U1")
    await b.check("slack", "U1")
    await a.check("slack", "U1")
    with pytest.raises(RateLimited) as info:
        await b.check("slack", "U1")
    assert 0 < info.value.retry_after <= 60
    await a.check("slack", "U2")  # someone else is not limited
    later = RateLimiter(redis_store, per_window=3, clock=lambda: now + 60)
    await later.check("slack", "U1")  # a new window


async def test_rate_limit_counts_locally_when_redis_is_down() -> None:
    store = dead_store()
    limiter = RateLimiter(store, per_window=1, clock=lambda: 5.0)
    await limiter.check("discord", "U1")
    with pytest.raises(RateLimited):
        await limiter.check("discord", "U1")
    await store.aclose()


@pytest.mark.parametrize("kind", ["redis", "memory"])
async def test_one_vote_per_person_the_last_counts(redis_store: RedisStore, kind: str) -> None:
    feedback = FeedbackStore(redis_store if kind == "redis" else MemoryStore())
    await feedback.vote("a1", "U1", "up")
    await feedback.vote("a1", "U2", "up")
    tally = await feedback.vote("a1", "U1", "down")
    assert (tally.up, tally.down) == (1, 1)
    assert await feedback.votes("a1") == {"U1": "down", "U2": "up"}


async def test_feedback_says_when_it_cannot_record() -> None:
    store = dead_store()
    with pytest.raises(StoreUnavailable):
        await FeedbackStore(store).vote("a1", "U1", "up")
    await store.aclose()
