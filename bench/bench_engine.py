"""Engine benchmarks: cache-hit `ask` against real Redis beside a bare GET floor, and a cold corpus ask.

Run: `make bench` (or `.venv/bin/python bench/bench_engine.py [--hits 2000]`).
Needs Redis on 127.0.0.1:6379; uses its own key namespace and removes it afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from answers import AnswerEngine, RedisStore, connect_redis
from answers.backends.corpus import CorpusBackend
from answers.cache import answer_key

ROOT = Path(__file__).resolve().parents[1]
REDIS_URL = "redis://127.0.0.1:6379/14"
QUESTION = "How does factbot cache answers?"


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def line(name: str, samples: list[float], wall: float) -> tuple[float, float, float]:
    p50, p99 = percentile(samples, 0.50) * 1e3, percentile(samples, 0.99) * 1e3
    rate = len(samples) / wall
    print(f"{name:<28} p50 {p50:7.3f} ms   p99 {p99:7.3f} ms   {rate:9.0f} ops/s (sequential)")
    return p50, p99, rate


async def concurrent_rate(call: object, count: int, concurrency: int) -> float:
    queue = iter(range(count))

    async def worker() -> None:
        for _ in queue:
            await call()  # type: ignore[operator]

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return count / (time.perf_counter() - start)


async def bench_cache_hits(hits: int) -> None:
    namespace = f"bench:{uuid.uuid4().hex[:8]}:"
    client = connect_redis(REDIS_URL)
    store = RedisStore(client, namespace=namespace)
    with tempfile.TemporaryDirectory() as index_dir:
        backend = CorpusBackend(ROOT / "docs", index_path=Path(index_dir) / "index.sqlite3")
        engine = AnswerEngine(backend, store)
        answer = await engine.ask(QUESTION)
        payload_key = namespace + answer_key(answer.id)
        engine_reader = AnswerEngine(backend, store)  # no in-process memory of the answer

        async def engine_hit() -> None:
            engine_reader._recent.clear()  # measure the Redis path, not the process memory
            outcome = await engine_reader.ask_traced(QUESTION)
            assert outcome.cache == "hit"

        async def bare_get() -> None:
            await client.get(payload_key)

        for _ in range(200):  # warm the pool
            await engine_hit()
            await bare_get()
        results = {}
        for name, call in (
            ("bare redis GET (floor)", bare_get),
            ("engine.ask cache hit", engine_hit),
        ):
            samples = []
            start = time.perf_counter()
            for _ in range(hits):
                t = time.perf_counter()
                await call()
                samples.append(time.perf_counter() - t)
            results[name] = line(name, samples, time.perf_counter() - start)
        floor, hit = results["bare redis GET (floor)"], results["engine.ask cache hit"]
        print(
            f"{'ratio engine / floor':<28} p50 {hit[0] / floor[0]:7.2f} x    "
            f"p99 {hit[1] / floor[1]:7.2f} x    throughput {floor[2] / hit[2]:5.2f} x slower"
        )
        for name, call in (
            ("bare redis GET (floor)", bare_get),
            ("engine.ask cache hit", engine_hit),
        ):
            rate = await concurrent_rate(call, hits, 32)
            print(f"{name:<28} {rate:9.0f} ops/s with 32 concurrent callers")
        size = len(await client.get(payload_key) or b"")
        print(f"payload: {size} bytes compressed ({len(answer.to_json())} bytes of JSON)")
        keys = [k async for k in client.scan_iter(match=f"{namespace}*")]
        if keys:
            await client.delete(*keys)
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
    parser.add_argument("--hits", type=int, default=2000)
    args = parser.parse_args()
    print(f"cache-hit latency against {REDIS_URL}, {args.hits} asks")
    await bench_cache_hits(args.hits)
    print()
    await bench_corpus_cold()


if __name__ == "__main__":
    asyncio.run(main())
