"""A second process for cross-process tests: asks one question through its own engine.

Prints `lock` once it holds the research lock (so a test can kill it then),
and the answer id when done. Counts its research runs in Redis.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
from pathlib import Path

import redis.asyncio as aioredis

from answers import AnswerEngine, RedisStore, connect_redis
from tests.answers.fake_backend import ScriptedBackend

ROOT = Path(__file__).resolve().parents[2]


def spawn_worker(
    redis_url: str, namespace: str, question: str, **opts: float
) -> subprocess.Popen[str]:
    """Start this module in a new process (`opts`: delay, lock_ttl)."""
    args = [
        sys.executable,
        "-m",
        "tests.answers.engine_worker",
        "--redis-url",
        redis_url,
        "--namespace",
        namespace,
        "--question",
        question,
    ]
    for name, value in opts.items():
        args += [f"--{name.replace('_', '-')}", str(value)]
    return subprocess.Popen(
        args,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


async def research_runs(client: aioredis.Redis, namespace: str) -> int:
    """How many research runs the workers on `namespace` made."""
    return int(await client.get(namespace + "test-runs") or 0)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--redis-url", required=True)
    parser.add_argument("--namespace", required=True)
    parser.add_argument("--question", required=True)
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--lock-ttl", type=float, default=30.0)
    args = parser.parse_args()
    store = RedisStore(connect_redis(args.redis_url), namespace=args.namespace)

    async def count_and_say_lock(question: str) -> None:
        await store.incr("test-runs", ttl=600)
        print("lock", flush=True)

    backend = ScriptedBackend(hook=count_and_say_lock, delay=args.delay)
    engine = AnswerEngine(backend, store, lock_ttl=args.lock_ttl)
    outcome = await engine.ask_traced(args.question)
    print(f"answer {outcome.answer.id} {outcome.cache}", flush=True)
    await store.aclose()


if __name__ == "__main__":
    asyncio.run(main())
    sys.exit(0)
