"""Engine benchmarks: cache-hit `ask` against real Redis beside a bare GET floor, and a cold corpus ask.

Run: `make bench` (or `.venv/bin/python bench/bench_engine.py [--hits 2000]`).
Needs Redis on 127.0.0.1:6379; uses its own key namespace and removes it afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from answers import AnswerEngine, RedisStore, connect_redis
from answers.backends.corpus import CorpusBackend
from answers.cache import answer_key
from bench.figures import Figures, ratio_line
from bench.private_redis import bench_redis

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "How does factbot cache answers?"


async def concurrent_rate(
    call: Callable[[], Awaitable[None]], count: int, concurrency: int
) -> float:
    queue = iter(range(count))

    async def worker() -> None:
        for _ in queue:
            await call()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return count / (time.perf_counter() - start)


async def sample(call: Callable[[], Awaitable[None]], count: int) -> list[float]:
    samples = []
    for _ in range(count):
        t = time.perf_counter()
        await call()
        samples.append(time.perf_counter() - t)
    return samples


async def bench_cache_hits(redis_url: str, hits: int, rounds: int) -> None:
    namespace = f"bench:{uuid.uuid4().hex[:8]}:"
    client = connect_redis(redis_url)
    store = RedisStore(client, namespace=namespace)
    with tempfile.TemporaryDirectory() as index_dir:
        backend = CorpusBackend(ROOT / "docs", index_path=Path(index_dir) / "index.sqlite3")
        await backend.refresh()
        engine = AnswerEngine(backend, store)
        answer = await engine.ask(QUESTION)
        payload_key = namespace + answer_key(answer.id)
        reader = AnswerEngine(backend, store)  # another process's engine: only Redis is shared

        async def engine_hit() -> None:
            outcome = await reader.ask_traced(QUESTION)
            assert outcome.cache == "hit"

        async def first_sight_hit() -> None:
            cold = AnswerEngine(backend, store)  # has never decoded this answer
            outcome = await cold.ask_traced(QUESTION)
            assert outcome.cache == "hit"

        async def bare_get() -> None:
            await client.get(payload_key)

        sides: list[tuple[str, Callable[[], Awaitable[None]]]] = [
            ("bare redis GET (floor)", bare_get),
            ("engine.ask cache hit", engine_hit),
            ("hit, answer new to process", first_sight_hit),
        ]
        for _, call in sides:  # warm the pool and the code paths
            await sample(call, 300)
        figures = Figures()
        for _ in range(rounds):  # interleaved, so machine noise hits every side alike
            for name, call in sides:
                figures.add(name, await sample(call, hits // rounds))
        figures.print()
        for name, call in sides[:2]:
            rate = await concurrent_rate(call, hits, 32)
            print(f"{name:<30} {rate:9.0f} ops/s with 32 concurrent callers")
        size = len(await client.get(payload_key) or b"")
        print(f"payload: {size} bytes compressed ({len(answer.to_json())} bytes of JSON)")
        print(
            ratio_line(
                "engine.ask hit / bare GET",
                figures,
                "engine.ask cache hit",
                "bare redis GET (floor)",
            )
        )
        print(
            ratio_line(
                "engine.ask hit, answer new to the process / bare GET",
                figures,
                "hit, answer new to process",
                "bare redis GET (floor)",
            )
        )
        keys = [k async for k in client.scan_iter(match=f"{namespace}*")]
        if keys:
            await client.delete(*keys)
        await engine.aclose()
        await store.aclose()


async def bench_corpus_cold() -> None:
    with tempfile.TemporaryDirectory() as index_dir:
        index_path = Path(index_dir) / "index.sqlite3"
        backend = CorpusBackend(ROOT / "docs", index_path=index_path)
        from answers import MemoryStore

        start = time.perf_counter()
        await AnswerEngine(backend, MemoryStore()).ask(QUESTION)
        cold_build = time.perf_counter() - start
        warm: list[float] = []
        for i in range(5):
            engine = AnswerEngine(
                CorpusBackend(ROOT / "docs", index_path=index_path), MemoryStore()
            )
            start = time.perf_counter()
            await engine.ask(f"{QUESTION} {i}")
            warm.append(time.perf_counter() - start)
        docs = len([p for p in (ROOT / "docs").rglob("*") if p.suffix in {".md", ".txt", ".html"}])
        print(f"corpus cold ask, index built from {docs} docs: {cold_build * 1e3:8.1f} ms")
        print(
            f"corpus uncached ask, index on disk (median of 5): "
            f"{statistics.median(warm) * 1e3:8.1f} ms"
        )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hits", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    with bench_redis() as redis_url:
        print(f"cache-hit latency against {redis_url}, {args.hits} asks per side")
        await bench_cache_hits(redis_url, args.hits, args.rounds)
    print()
    await bench_corpus_cold()


if __name__ == "__main__":
    asyncio.run(main())
