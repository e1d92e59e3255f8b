"""The HTTP server `factbot run` serves, at its edges: a very long id or header still gets the
API's JSON error, and a client hanging up mid-body is not an error."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import timedelta

import aiohttp
import pytest

from answers import MemoryStore
from bot.config import Settings
from bot.wiring import build, lifespan
from tests.answers.fake_backend import ScriptedBackend
from tests.answers.redis_server import free_port


@pytest.fixture
async def api_base() -> AsyncIterator[str]:
    port = free_port()
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        host="127.0.0.1",
        port=port,
        shutdown_grace=timedelta(seconds=1),
    )
    services = build(settings, adapters=["api"], store=MemoryStore(), backend=ScriptedBackend())
    async with lifespan(services):
        yield f"http://127.0.0.1:{port}"


async def test_a_very_long_id_gets_the_json_error(api_base: str) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{api_base}/v1/answers/{'a' * 10_000}") as response:
            assert response.status == 404
            assert response.content_type == "application/json"
            assert (await response.json())["error"]["code"] == "answer_not_found"


async def test_a_large_header_still_reaches_the_api(api_base: str) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.post(
            f"{api_base}/v1/answers",
            json={"question": "Does a big cookie matter?"},
            headers={"Cookie": "session=" + "x" * 10_000},
        ) as response:
            assert response.status == 200
            assert (await response.json())["cache"] == "miss"


async def test_a_client_hanging_up_mid_body_is_not_an_error(
    api_base: str, caplog: pytest.LogCaptureFixture
) -> None:
    port = int(api_base.rsplit(":", 1)[1])
    with caplog.at_level(logging.DEBUG):
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            b"POST /v1/answers HTTP/1.1\r\nHost: factbot\r\nContent-Type: application/json\r\n"
            b'Content-Length: 1000\r\n\r\n{"question": "Is this cut'
        )
        await writer.drain()
        await asyncio.sleep(0.2)  # the handler is reading the body
        writer.close()
        await writer.wait_closed()
        await asyncio.sleep(0.3)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == []
    assert any("hung up" in r.getMessage() for r in caplog.records)
    async with aiohttp.ClientSession() as session:  # and the server goes on serving
        async with session.get(f"{api_base}/healthz") as response:
            assert response.status == 200
