"""`WorkerPool`: real worker processes; a crash, a hang and a cancelled caller each cost one call."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import AsyncIterator

import pytest

from answers.workers import WorkerCrashed, WorkerPool, WorkerTimedOut


async def replaced(pool: WorkerPool, before: set[int], *, lost: int = 1) -> set[int]:
    """The pool's processes once `lost` of `before` were replaced by new ones."""
    for _ in range(200):
        pids = set(pool.pids())
        if len(pids) == pool.size and len(pids - before) == lost:
            return pids
        await asyncio.sleep(0.025)
    raise AssertionError(f"the pool was not refilled: {pool.pids()}")


@pytest.fixture
async def pool() -> AsyncIterator[WorkerPool]:
    pool = WorkerPool(2, deadline=1.0, name="test")
    await pool.started()
    yield pool
    await pool.aclose()


async def test_calls_run_in_other_processes_and_errors_come_back(pool: WorkerPool) -> None:
    pids = set(await asyncio.gather(*(pool.run(os.getpid) for _ in range(6))))
    assert os.getpid() not in pids
    assert pids <= set(pool.pids())
    with pytest.raises(ValueError, match="invalid literal"):
        await pool.run(int, "not a number")
    assert await pool.run(len, "four") == 4  # the worker survived the error


async def test_a_crash_costs_that_call_only(pool: WorkerPool) -> None:
    before = set(pool.pids())
    slow = asyncio.create_task(pool.run(time.sleep, 0.3))
    crashing = asyncio.create_task(pool.run(os.abort))  # as "double free or corruption" does
    with pytest.raises(WorkerCrashed, match="died"):
        await crashing
    assert await slow is None  # the call on the other worker was untouched
    await replaced(pool, before)
    assert await pool.run(len, "ok") == 2


async def test_a_call_past_its_deadline_has_its_worker_killed_and_replaced(
    pool: WorkerPool,
) -> None:
    started = time.monotonic()
    with pytest.raises(WorkerTimedOut):
        await pool.run(time.sleep, 30)
    assert time.monotonic() - started < 3
    assert await pool.run(len, "xyz") == 3


async def test_a_cancelled_caller_frees_its_worker_at_once(pool: WorkerPool) -> None:
    hung = asyncio.create_task(pool.run(time.sleep, 30))
    await asyncio.sleep(0.2)
    hung.cancel()
    with pytest.raises(asyncio.CancelledError):
        await hung
    started = time.monotonic()
    results = await asyncio.gather(pool.run(len, "a"), pool.run(len, "bb"))
    assert results == [1, 2]
    assert time.monotonic() - started < 1  # not waiting out the 1 s deadline of the hung call


async def test_a_worker_killed_from_outside_is_replaced(pool: WorkerPool) -> None:
    calls = [asyncio.create_task(pool.run(time.sleep, 0.8)) for _ in range(2)]
    await asyncio.sleep(0.3)
    before = set(pool.pids())
    os.kill(min(before), signal.SIGKILL)
    results = await asyncio.gather(*calls, return_exceptions=True)
    assert sum(isinstance(r, WorkerCrashed) for r in results) == 1
    assert results.count(None) == 1
    await replaced(pool, before)
    assert await pool.run(len, "again") == 5


async def test_the_default_executor_stays_free_while_every_worker_is_busy(
    pool: WorkerPool,
) -> None:
    busy = [asyncio.create_task(pool.run(time.sleep, 0.8)) for _ in range(8)]
    await asyncio.sleep(0.1)
    started = time.monotonic()
    await asyncio.gather(*(asyncio.to_thread(time.sleep, 0) for _ in range(32)))
    assert time.monotonic() - started < 0.3  # e.g. DNS lookups, which use the default executor
    results = await asyncio.gather(*busy, return_exceptions=True)
    assert all(r is None or isinstance(r, WorkerTimedOut) for r in results)


async def test_a_closed_pool_refuses_calls_and_leaves_no_process() -> None:
    pool = WorkerPool(1, deadline=1.0)
    await pool.started()
    (pid,) = pool.pids()
    await pool.aclose()
    with pytest.raises(WorkerCrashed):
        await pool.run(len, "x")
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
