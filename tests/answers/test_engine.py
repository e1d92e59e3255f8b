"""AnswerEngine against real Redis: cache, single-flight (in and across processes), Redis trouble."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from answers import (
    AnswerEngine,
    AnswerNotFound,
    Draft,
    EmptyQuestion,
    MemoryStore,
    Progress,
    QuestionTooLong,
    RedisStore,
    ResearchFailed,
    Stage,
    StoreUnavailable,
    connect_redis,
)
from answers.cache import answer_key, question_key
from answers.progress import ProgressCallback
from answers.question import check_question, normalise_question, question_hash
from tests.answers.engine_worker import research_runs, spawn_worker
from tests.answers.fake_backend import ScriptedBackend, draft_for, eventually, uncovered_draft
from tests.answers.redis_server import RedisServer, free_port

ROOT = Path(__file__).resolve().parents[2]
CLOCK = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)


def engine_on(
    store: RedisStore | MemoryStore, backend: ScriptedBackend, **kw: object
) -> AnswerEngine:
    return AnswerEngine(backend, store, clock=lambda: CLOCK, **kw)  # type: ignore[arg-type]


# --- input ------------------------------------------------------------------------


@pytest.mark.parametrize("question", ["", "   ", "\n\t "])
async def test_empty_question_is_refused(redis_store: RedisStore, question: str) -> None:
    backend = ScriptedBackend()
    with pytest.raises(EmptyQuestion):
        await engine_on(redis_store, backend).ask(question)
    assert backend.runs == 0


async def test_question_over_the_limit_is_refused(redis_store: RedisStore) -> None:
    backend = ScriptedBackend()
    engine = engine_on(redis_store, backend)
    await engine.ask("x" * 1000)
    with pytest.raises(QuestionTooLong) as info:
        await engine.ask("x" * 1001)
    assert info.value.limit == 1000
    assert backend.runs == 1


def test_normalisation_folds_case_space_punctuation_and_width() -> None:
    same = [
        "How does factbot cache answers?",
        "  how DOES factbot   cache answers ",
        "How does factbot cache answers???",
        "Ｈｏｗ does factbot cache answers？",
        "How does factbot, cache answers!",
    ]
    assert {normalise_question(q) for q in same} == {"how does factbot cache answers"}
    assert normalise_question("Are A and B friends?") != normalise_question("Are A and B enemies?")


@pytest.mark.parametrize("question", ["???", "🙂", "…!", "___", "\x00\x07"])
async def test_a_question_without_letters_or_digits_is_refused(
    redis_store: RedisStore, question: str
) -> None:
    # Each of these used to normalise to "" and share one cache entry: "🙂" got the answer to "???".
    backend = ScriptedBackend()
    with pytest.raises(EmptyQuestion):
        await engine_on(redis_store, backend).ask(question)
    assert backend.runs == 0


async def test_control_characters_never_reach_the_question_or_the_title(
    redis_store: RedisStore,
) -> None:
    backend = ScriptedBackend()
    answer = await engine_on(redis_store, backend).ask("Is\x00 green\x07 tea\x1b[31m\x0bhot?\x7f")
    assert answer.question == "Is green tea[31m hot?"
    assert backend.questions == ["Is green tea[31m hot?"]
    assert answer.title == "Is green tea[31m hot?"
    assert check_question("Two\tlines\r\nkept\x85too") == "Two\tlines\r\nkept too"


# --- cache ----------------------------------------------------------------------------


async def test_miss_then_hit_in_the_documented_keys(
    redis_store: RedisStore, redis_client: aioredis.Redis, namespace: str
) -> None:
    backend = ScriptedBackend()
    engine = engine_on(redis_store, backend)
    first = await engine.ask_traced("Is water wet?")
    second = await engine.ask_traced("is water wet")
    assert (first.cache, second.cache) == ("miss", "hit")
    assert second.answer == first.answer
    assert backend.runs == 1

    qhash = question_hash(normalise_question("Is water wet?"), namespace="scripted")
    assert await redis_client.get(namespace + question_key(qhash)) == first.answer.id.encode()
    q_ttl = await redis_client.ttl(namespace + question_key(qhash))
    a_ttl = await redis_client.ttl(namespace + answer_key(first.answer.id))
    assert 86_000 < q_ttl <= 86_400
    assert 30 * 86_400 - 100 < a_ttl <= 30 * 86_400


@pytest.mark.parametrize(
    "stored",
    [
        b"not zlib at all",
        zlib.compress(b"not json"),
        zlib.compress(b"\xff\xfe not utf-8"),
        zlib.compress(b'{"id": "0123456789abcdef", "schema": "an older one"}'),
    ],
    ids=["not-zlib", "not-json", "not-utf8", "older-schema"],
)
async def test_an_unreadable_cached_answer_is_a_miss_not_an_error(
    redis_store: RedisStore, redis_client: aioredis.Redis, namespace: str, stored: bytes
) -> None:
    backend = ScriptedBackend()
    first = await engine_on(redis_store, backend).ask("Is the cache damaged?")
    await redis_client.set(namespace + answer_key(first.id), stored)

    engine = engine_on(redis_store, backend)  # a new process: nothing remembered in memory
    with pytest.raises(AnswerNotFound):
        await engine.get(first.id)
    again = await engine.ask_traced("Is the cache damaged?")
    assert again.cache == "miss"  # researched again rather than failing every ask
    assert (await engine.ask_traced("Is the cache damaged?")).cache == "hit"
    assert backend.runs == 2


async def test_freshness_expiry_researches_again_but_old_ids_still_resolve(
    redis_store: RedisStore,
) -> None:
    backend = ScriptedBackend()
    engine = engine_on(redis_store, backend, freshness=timedelta(milliseconds=200))
    first = await engine.ask("Is the sky blue?")
    await asyncio.sleep(0.3)
    again = await engine.ask_traced("Is the sky blue?")
    assert again.cache == "miss"
    assert backend.runs == 2
    fresh_engine = engine_on(redis_store, ScriptedBackend())
    assert await fresh_engine.get(first.id) == first


async def test_retention_expiry_forgets_the_answer(redis_store: RedisStore) -> None:
    engine = engine_on(redis_store, ScriptedBackend(), retention=timedelta(milliseconds=200))
    answer = await engine.ask("Do cats purr?")
    await asyncio.sleep(0.3)
    with pytest.raises(AnswerNotFound):
        await engine_on(redis_store, ScriptedBackend()).get(answer.id)


async def test_refresh_researches_again(redis_store: RedisStore) -> None:
    backend = ScriptedBackend()
    engine = engine_on(redis_store, backend)
    await engine.ask("Is ice cold?")
    refreshed = await engine.ask_traced("Is ice cold?", refresh=True)
    assert refreshed.cache == "miss"
    assert backend.runs == 2


async def test_failures_are_never_cached(redis_store: RedisStore) -> None:
    backend = ScriptedBackend(fail_times=1)
    engine = engine_on(redis_store, backend)
    with pytest.raises(ResearchFailed):
        await engine.ask("Will it rain?")
    answer = await engine.ask_traced("Will it rain?")
    assert answer.cache == "miss"
    assert backend.runs == 2


async def test_unknown_answer_id_raises_not_found(redis_store: RedisStore) -> None:
    with pytest.raises(AnswerNotFound):
        await engine_on(redis_store, ScriptedBackend()).get("0123456789abcdef")


async def test_progress_reports_each_stage(redis_store: RedisStore) -> None:
    seen: list[Progress] = []

    async def record(event: Progress) -> None:
        seen.append(event)

    outcome = await engine_on(redis_store, ScriptedBackend()).ask_traced(
        "Is fire hot?", progress=record
    )
    assert set(outcome.timings) == {"searching", "reading", "writing"}
    assert [e.stage for e in seen] == [Stage.SEARCHING, Stage.READING, Stage.WRITING, Stage.DONE]
    assert seen[1].describe() == "Reading sources (2 of 2)…"


async def test_a_failing_progress_callback_does_not_break_the_answer(
    redis_store: RedisStore,
) -> None:
    async def explode(event: Progress) -> None:
        raise ValueError("adapter bug")

    answer = await engine_on(redis_store, ScriptedBackend()).ask("Is sand dry?", progress=explode)
    assert answer.summary


# --- single-flight --------------------------------------------------------------------


async def test_fifty_concurrent_asks_cause_one_research_run(redis_store: RedisStore) -> None:
    gate = asyncio.Event()
    backend = ScriptedBackend(gate=gate)
    engine = engine_on(redis_store, backend)
    asks = [asyncio.create_task(engine.ask_traced("Same question?")) for _ in range(50)]
    await backend.entered.wait()
    gate.set()
    outcomes = await asyncio.gather(*asks)
    assert backend.runs == 1
    assert len({o.answer.id for o in outcomes}) == 1
    assert [o.cache for o in outcomes].count("miss") == 1


async def test_joiners_of_a_failed_flight_get_the_error(redis_store: RedisStore) -> None:
    gate = asyncio.Event()
    backend = ScriptedBackend(gate=gate, fail_times=1)
    engine = engine_on(redis_store, backend)
    heard: set[int] = set()

    def listener(n: int) -> ProgressCallback:
        async def record(event: Progress) -> None:
            heard.add(n)

        return record

    asks = [asyncio.create_task(engine.ask("Fragile?", progress=listener(n))) for n in range(5)]
    await backend.entered.wait()
    await eventually(
        lambda: len(heard) == 5, poke=lambda: backend.announce(Progress(Stage.READING))
    )
    gate.set()
    results = await asyncio.gather(*asks, return_exceptions=True)
    assert all(isinstance(r, ResearchFailed) for r in results)
    assert backend.runs == 1


async def test_two_engines_sharing_redis_research_once(redis_store: RedisStore) -> None:
    gate = asyncio.Event()
    backend_a, backend_b = ScriptedBackend(gate=gate), ScriptedBackend(gate=gate)
    engine_a, engine_b = engine_on(redis_store, backend_a), engine_on(redis_store, backend_b)
    first = asyncio.create_task(engine_a.ask_traced("Shared?"))
    await backend_a.entered.wait()
    waiting_events: list[Progress] = []

    async def record(event: Progress) -> None:
        waiting_events.append(event)

    second = asyncio.create_task(engine_b.ask_traced("shared", progress=record))
    await eventually(lambda: bool(waiting_events))
    gate.set()
    a, b = await asyncio.gather(first, second)
    assert backend_a.runs + backend_b.runs == 1
    assert a.answer == b.answer
    assert b.cache == "shared"
    assert waiting_events[0].stage is Stage.WAITING


async def test_the_heartbeat_keeps_the_lock_through_research_longer_than_its_ttl(
    redis_store: RedisStore,
) -> None:
    # The lock lives 0.3 s; research takes 1 s. Without renewals the second engine would take
    # the lock and research the same question again.
    gate = asyncio.Event()
    backend_a, backend_b = ScriptedBackend(gate=gate), ScriptedBackend()
    engine_a = engine_on(redis_store, backend_a, lock_ttl=0.3)
    engine_b = engine_on(redis_store, backend_b, lock_ttl=0.3)
    first = asyncio.create_task(engine_a.ask_traced("Slow to research?"))
    await backend_a.entered.wait()
    second = asyncio.create_task(engine_b.ask_traced("Slow to research?"))
    await asyncio.sleep(1.0)  # not ordering: research must outlast the lock's TTL several times
    gate.set()
    a, b = await asyncio.gather(first, second)
    assert (backend_a.runs, backend_b.runs) == (1, 0)
    assert (a.cache, b.cache) == ("miss", "shared")


@pytest.mark.slow
async def test_two_processes_research_once_and_share_the_answer(
    redis_url: str, namespace: str, redis_client: aioredis.Redis, redis_store: RedisStore
) -> None:
    procs = [spawn_worker(redis_url, namespace, "Across processes?", delay=0.5) for _ in range(2)]
    outputs = [await asyncio.to_thread(p.communicate, timeout=30) for p in procs]
    lines = [out.strip().splitlines()[-1].split() for out, _ in outputs]
    assert all(p.returncode == 0 for p in procs)
    assert lines[0][1] == lines[1][1]  # the same answer id
    assert sorted(line[2] for line in lines) == ["miss", "shared"]
    assert await research_runs(redis_client, namespace) == 1


@pytest.mark.slow
async def test_a_waiter_takes_over_when_the_lock_holder_dies(
    redis_url: str, namespace: str, redis_client: aioredis.Redis, redis_store: RedisStore
) -> None:
    holder = spawn_worker(redis_url, namespace, "Who survives?", delay=60, lock_ttl=1)
    assert holder.stdout is not None
    line = await asyncio.to_thread(holder.stdout.readline)
    assert line.strip() == "lock"
    holder.kill()
    await asyncio.to_thread(holder.wait)
    holder.stdout.close()

    backend = ScriptedBackend()
    engine = engine_on(redis_store, backend, lock_ttl=1)
    outcome = await asyncio.wait_for(engine.ask_traced("Who survives?"), timeout=20)
    assert outcome.cache == "miss"
    assert backend.runs == 1
    assert await research_runs(redis_client, namespace) == 1  # the dead holder's run


# --- Redis trouble ----------------------------------------------------------------------


async def test_redis_down_at_start_still_answers_and_warns_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = RedisStore(connect_redis(f"redis://127.0.0.1:{free_port()}/0"), retry_interval=0)
    backend = ScriptedBackend()
    engine = engine_on(store, backend)
    with caplog.at_level(logging.WARNING, logger="answers.store"):
        first = await engine.ask("Does it work offline?")
        second = await engine.ask("Does it work offline?")
    assert first == second
    assert backend.runs == 2  # nothing could be cached
    warnings = [r for r in caplog.records if r.name == "answers.store"]
    assert len(warnings) == 1
    assert "unreachable" in warnings[0].getMessage()
    await store.aclose()


async def test_redis_stopping_mid_run_then_coming_back(
    private_redis: RedisServer, private_store: RedisStore
) -> None:
    gate = asyncio.Event()
    backend = ScriptedBackend(gate=gate)
    engine = engine_on(private_store, backend)
    asking = asyncio.create_task(engine.ask_traced("Survives a Redis crash?"))
    await backend.entered.wait()  # the lock is taken and research is under way
    private_redis.stop()
    gate.set()
    outcome = await asyncio.wait_for(asking, timeout=10)
    assert outcome.cache == "miss"

    backend.gate = None
    again = await engine.ask_traced("Survives a Redis crash?")
    assert again.cache == "miss"  # Redis is still down: nothing was cached

    private_redis.start()
    third = await engine.ask_traced("Survives a Redis crash?")
    fourth = await engine.ask_traced("Survives a Redis crash?")
    assert (third.cache, fourth.cache) == ("miss", "hit")  # Redis is used again


# --- without Redis ------------------------------------------------------------------------


async def test_memory_store_has_the_same_ttl_semantics() -> None:
    backend = ScriptedBackend()
    engine = engine_on(MemoryStore(), backend, freshness=timedelta(milliseconds=200))
    assert (await engine.ask_traced("Local?")).cache == "miss"
    assert (await engine.ask_traced("local")).cache == "hit"
    await asyncio.sleep(0.3)
    assert (await engine.ask_traced("Local?")).cache == "miss"


async def test_memory_store_is_bounded() -> None:
    store = MemoryStore(max_entries=3)
    for i in range(10):
        await store.set(f"k{i}", b"v", ttl=60)
    assert [await store.get(f"k{i}") for i in range(10)].count(b"v") == 3


async def test_a_joiner_takes_over_when_the_researching_task_is_cancelled(
    redis_store: RedisStore,
) -> None:
    gate = asyncio.Event()
    backend = ScriptedBackend(gate=gate)
    engine = engine_on(redis_store, backend)
    leader = asyncio.create_task(engine.ask("Cancelled midway?"))
    await backend.entered.wait()
    joined = asyncio.Event()

    async def heard(event: Progress) -> None:
        joined.set()

    joiner = asyncio.create_task(engine.ask_traced("Cancelled midway?", progress=heard))
    await eventually(joined.is_set, poke=lambda: backend.announce(Progress(Stage.READING)))
    leader.cancel()
    gate.set()
    outcome = await asyncio.wait_for(joiner, timeout=5)
    assert outcome.cache == "miss"
    assert backend.runs == 2


async def test_degraded_answers_are_served_for_a_shorter_time(
    redis_store: RedisStore, redis_client: aioredis.Redis, namespace: str
) -> None:
    engine = engine_on(redis_store, ScriptedBackend(write=uncovered_draft))
    await engine.ask("Nothing covers this?")
    qhash = question_hash(normalise_question("Nothing covers this?"), namespace="scripted")
    assert 0 < await redis_client.ttl(namespace + question_key(qhash)) <= 600

    def brief(question: str) -> Draft:
        return dataclasses.replace(draft_for(question), freshness=timedelta(seconds=90))

    await engine_on(redis_store, ScriptedBackend(write=brief)).ask("Briefly cached?")
    qhash = question_hash(normalise_question("Briefly cached?"), namespace="scripted")
    assert 0 < await redis_client.ttl(namespace + question_key(qhash)) <= 90


async def test_get_while_redis_is_down_says_so_rather_than_expired() -> None:
    store = RedisStore(connect_redis(f"redis://127.0.0.1:{free_port()}/0"), retry_interval=0)
    engine = engine_on(store, ScriptedBackend())
    with pytest.raises(StoreUnavailable):
        await engine.get("0123456789abcdef")
    answer = await engine.ask("Still answered?")
    assert await engine.get(answer.id) == answer  # this process remembers what it answered
    await store.aclose()
