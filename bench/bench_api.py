"""A burst of cached `POST /v1/answers` on two replicas, beside a bare aiohttp + redis-py server.

    .venv/bin/python bench/bench_api.py [--burst 1000] [--questions 100] [--rounds 3]

Two `factbot run api` processes (corpus backend on docs/, one Redis, its own
namespace) answer `--questions` questions once, so every later ask is a cache
hit. Then one client sends `--burst` concurrent asks, spread over the
questions and alternating between the replicas, and times the whole burst.

The floor is two processes of a bare aiohttp server doing one redis-py GET per
request (the same compressed answer, inflated and sent back as JSON), under
the same client. Rounds alternate floor and factbot so machine noise hits both.
Prints every status other than 200 (a full Redis pool must never show as 5xx).

Needs Redis on 127.0.0.1:6379 (database 14, its own namespace, removed afterwards).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import socket
import statistics
import sys
import tempfile
import time
import uuid
import zlib
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.private_redis import bench_redis

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def questions(n: int) -> list[str]:
    topics = ["cache answers", "index a corpus", "run in Slack", "run in Discord", "scale out"]
    return [f"How does factbot {topics[i % len(topics)]}, case {i}?" for i in range(n)]


# --- the floor: a bare aiohttp + redis-py server -------------------------------------------


def serve_floor(port: int, namespace: str, redis_url: str) -> None:
    from aiohttp import web
    from redis.asyncio import BlockingConnectionPool, Redis

    async def main() -> None:
        # redis-py's plain pool raises past its size; a server under a burst waits for a connection
        pool = BlockingConnectionPool.from_url(redis_url, max_connections=50, timeout=None)
        redis = Redis(connection_pool=pool)

        async def answer(request: web.Request) -> web.Response:
            body = json.loads(await request.read())
            raw = await redis.get(f"{namespace}floor:{body['question']}")
            assert raw is not None
            return web.Response(body=zlib.decompress(raw), content_type="application/json")

        app = web.Application()
        app.router.add_post("/v1/answers", answer)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        print("ready", flush=True)
        await asyncio.Event().wait()

    asyncio.run(main())


# --- the replicas --------------------------------------------------------------------------


def replica_env(port: int, namespace: str, index_dir: str, redis_url: str) -> dict[str, str]:
    """Only what the bench sets: nothing from the caller's FACTBOT_* or REDIS_URL."""
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    return {
        **keep,
        "REDIS_URL": redis_url,
        "FACTBOT_REDIS_NAMESPACE": namespace,
        "FACTBOT_HOST": "127.0.0.1",
        "FACTBOT_PORT": str(port),
        "FACTBOT_CORPUS": str(ROOT / "docs"),
        "FACTBOT_CORPUS_INDEX": index_dir,
        "FACTBOT_RATE_LIMIT_PER_MINUTE": "0",
        "PYTHONPATH": str(ROOT),
    }


async def wait_ready(url: str, session: aiohttp.ClientSession) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            async with session.get(url) as response:
                if response.status < 500:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not start")


async def burst(
    session: aiohttp.ClientSession, urls: list[str], asked: list[str], size: int
) -> tuple[float, collections.Counter[int]]:
    statuses: collections.Counter[int] = collections.Counter()

    async def one(i: int) -> None:
        body = json.dumps({"question": asked[i % len(asked)]}).encode()
        headers = {"content-type": "application/json"}
        async with session.post(urls[i % len(urls)], data=body, headers=headers) as response:
            await response.read()
            statuses[response.status] += 1

    started = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(size)))
    return time.perf_counter() - started, statuses


async def run(size: int, n_questions: int, rounds: int, redis_url: str) -> None:
    from redis.asyncio import Redis

    namespace = f"bench:{uuid.uuid4().hex[:8]}:"
    asked = questions(n_questions)
    redis = Redis.from_url(redis_url)
    procs: list[asyncio.subprocess.Process] = []
    logs = tempfile.TemporaryFile()
    with tempfile.TemporaryDirectory() as index_dir:
        factbot_ports = [free_port(), free_port()]
        floor_ports = [free_port(), free_port()]
        try:
            for port in factbot_ports:
                procs.append(
                    await asyncio.create_subprocess_exec(
                        str(BIN / "factbot"),
                        "run",
                        "api",
                        cwd=index_dir,  # no .env of the caller's
                        env=replica_env(port, namespace, index_dir, redis_url),
                        stdout=logs,
                        stderr=logs,
                    )
                )
            for port in floor_ports:
                procs.append(
                    await asyncio.create_subprocess_exec(
                        sys.executable,
                        __file__,
                        "--serve-floor",
                        str(port),
                        namespace,
                        redis_url,
                        stdout=asyncio.subprocess.DEVNULL,
                    )
                )
            factbot = [f"http://127.0.0.1:{p}/v1/answers" for p in factbot_ports]
            floor = [f"http://127.0.0.1:{p}/v1/answers" for p in floor_ports]
            connector = aiohttp.TCPConnector(limit=0)
            timeout = aiohttp.ClientTimeout(total=120)
            async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
                for port in factbot_ports + floor_ports:
                    await wait_ready(f"http://127.0.0.1:{port}/healthz", session)
                for i, question in enumerate(asked):  # research each once; later asks are hits
                    async with session.post(factbot[i % 2], json={"question": question}) as r:
                        assert r.status == 200, await r.text()
                        answer = await r.json()
                    raw = await redis.get(f"{namespace}a:{answer['id']}")
                    assert raw is not None
                    await redis.set(f"{namespace}floor:{question}", raw)
                await burst(session, floor, asked, size)  # warm connections on both sides
                await burst(session, factbot, asked, size)
                times: dict[str, list[float]] = {"floor": [], "factbot": []}
                seen: dict[str, collections.Counter[int]] = {
                    "floor": collections.Counter(),
                    "factbot": collections.Counter(),
                }
                for _ in range(rounds):
                    for name, urls in (("floor", floor), ("factbot", factbot)):
                        seconds, statuses = await burst(session, urls, asked, size)
                        times[name].append(seconds)
                        seen[name].update(statuses)
            for name, label in (("floor", "bare aiohttp + redis-py"), ("factbot", "factbot api")):
                print(
                    f"{label:<28} burst of {size}: median {statistics.median(times[name]):.3f} s"
                    f" (all: {', '.join(f'{t:.3f}' for t in times[name])})"
                    f"   statuses {dict(seen[name])}"
                )
            pairs = [f / b for f, b in zip(times["factbot"], times["floor"], strict=True)]
            ratio = statistics.median(times["factbot"]) / statistics.median(times["floor"])
            # Each pair ran back to back, so the machine's load drifting between rounds cancels.
            print(
                f"RATIO api burst / bare aiohttp + redis-py: {statistics.median(pairs):.2f}x "
                f"(median of {len(pairs)} paired rounds; ratio of the median bursts {ratio:.2f}x)"
            )
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                try:
                    await asyncio.wait_for(proc.wait(), 30)
                except TimeoutError:
                    proc.kill()
                    await proc.wait()
            keys = [k async for k in redis.scan_iter(match=f"{namespace}*")]
            if keys:
                await redis.delete(*keys)
            await redis.aclose()
            logs.seek(0)
            errors = [
                line
                for line in logs.read().decode(errors="replace").splitlines()
                if "ERROR" in line
            ]
            if errors:
                print(f"{len(errors)} ERROR lines in the replicas' logs, first: {errors[0]}")
            logs.close()


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--serve-floor":
        serve_floor(int(sys.argv[2]), sys.argv[3], sys.argv[4])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--burst", type=int, default=1000)
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    print(
        f"API burst: {args.burst} concurrent cached asks of {args.questions} questions, 2 replicas"
    )
    with bench_redis() as redis_url:
        asyncio.run(run(args.burst, args.questions, args.rounds, redis_url))


if __name__ == "__main__":
    main()
