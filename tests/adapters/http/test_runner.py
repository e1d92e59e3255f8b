"""The API under the real `factbot run` runner: built by `bot.wiring`, run by `bot.run`, served
on a loopback port, stopped the way a SIGTERM stops it."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta

import aiohttp
from pydantic import SecretStr

from answers import RedisStore, connect_redis
from bot.config import Settings
from bot.run import run
from bot.wiring import build
from tests.answers.fake_backend import ScriptedBackend

QUESTION = "How does factbot cache answers?"
TOKEN = "runner-test-token-0123456789"


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@dataclass
class RunningApi:
    session: aiohttp.ClientSession
    base: str
    stop: asyncio.Event
    running: asyncio.Task[int]
    backend: ScriptedBackend


@asynccontextmanager
async def factbot_run_api(
    redis_url: str, namespace: str, backend: ScriptedBackend
) -> AsyncIterator[RunningApi]:
    port = free_loopback_port()
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        host="127.0.0.1",
        port=port,
        redis_url=redis_url,
        namespace=namespace,
        api_token=SecretStr(TOKEN),
        shutdown_grace=timedelta(seconds=30),
    )
    store = RedisStore(connect_redis(redis_url), namespace=namespace)
    services = build(settings, adapters=["api"], store=store, backend=backend)
    stop = asyncio.Event()
    running = asyncio.create_task(run(services, stop=stop))
    base = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {TOKEN}"}) as session:
        while True:  # until the runner listens (or fails)
            assert not running.done(), running.exception()
            try:
                async with session.get(f"{base}/healthz"):
                    break
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.02)
        try:
            yield RunningApi(session, base, stop, running, backend)
        finally:
            stop.set()
            await running


async def test_factbot_run_api_answers_and_reports(
    redis_url: str, namespace: str, redis_store: RedisStore
) -> None:
    # redis_store: its teardown removes this test's keys.
    async with factbot_run_api(redis_url, namespace, ScriptedBackend()) as api:
        async with api.session.post(f"{api.base}/v1/answers", json={"question": QUESTION}) as ask:
            assert ask.status == 200
            assert (await ask.json())["cache"] == "miss"
        async with api.session.get(f"{api.base}/healthz") as health:
            assert health.status == 200
            assert await health.json() == {"status": "ok", "checks": {"redis": "up", "api": "up"}}
        async with api.session.get(f"{api.base}/metrics") as metrics:
            text = await metrics.text()
        assert 'factbot_answers_total{cache="miss",platform="api"} 1.0' in text
        async with aiohttp.ClientSession() as anonymous:
            post = anonymous.post(f"{api.base}/v1/answers", json={"question": QUESTION})
            async with post as refused:
                assert refused.status == 401
        api.stop.set()
        assert await api.running == 0


async def test_shutdown_finishes_an_api_answer_under_way(
    redis_url: str, namespace: str, redis_store: RedisStore
) -> None:
    # redis_store: its teardown removes this test's keys.
    backend = ScriptedBackend(gate=asyncio.Event())
    async with factbot_run_api(redis_url, namespace, backend) as api:
        asking = asyncio.create_task(
            api.session.post(f"{api.base}/v1/answers", json={"question": QUESTION})
        )
        await backend.entered.wait()
        api.stop.set()  # what SIGTERM does
        while True:  # until the runner has drained the API: /healthz turns 503
            async with api.session.get(f"{api.base}/healthz") as health:
                if health.status == 503:
                    break
            await asyncio.sleep(0.02)
        async with api.session.post(f"{api.base}/v1/answers", json={"question": "New?"}) as late:
            assert late.status == 503
            assert (await late.json())["error"]["code"] == "shutting_down"

        assert backend.gate is not None
        backend.gate.set()
        answered = await asking
        assert answered.status == 200
        assert (await answered.json())["cache"] == "miss"
        answered.release()
        assert await api.running == 0
