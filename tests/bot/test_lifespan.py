"""`lifespan`: serve, prepare the backends, start the adapters; then drain, finish the answers
under way and close, in that order, whatever fails on the way in."""

from __future__ import annotations

import socket
from datetime import timedelta

import aiohttp
import pytest
from aiohttp import web

from answers import MemoryStore
from bot.config import Settings
from bot.wiring import Services, build, lifespan
from tests.answers.fake_backend import ScriptedBackend


def free_loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


class RecordingAdapter:
    """An adapter that writes each lifecycle call into a shared log (the backend's too)."""

    def __init__(self, name: str, log: list[str], *, fails_to_start: bool = False) -> None:
        self.name = name
        self.log = log
        self.fails_to_start = fails_to_start

    def mount(self, app: web.Application) -> None:
        self.log.append(f"mount {self.name}")

    async def start(self) -> None:
        self.log.append(f"start {self.name}")
        if self.fails_to_start:
            raise RuntimeError("the platform refused the token")

    async def drain(self) -> None:
        self.log.append(f"drain {self.name}")

    async def aclose(self) -> None:
        self.log.append(f"close {self.name}")

    def is_healthy(self) -> bool:
        return True


def services_with(log: list[str], *adapters: RecordingAdapter) -> Services:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        host="127.0.0.1",
        port=free_loopback_port(),
        shutdown_grace=timedelta(seconds=5),
    )
    backend = ScriptedBackend(lifecycle=log)
    services = build(settings, store=MemoryStore(), backend=backend)
    services.adapters = list(adapters)
    return services


async def test_everything_opens_in_order_and_closes_in_reverse() -> None:
    log: list[str] = []
    services = services_with(log, RecordingAdapter("one", log), RecordingAdapter("two", log))
    url = f"http://127.0.0.1:{services.settings.port}/healthz"
    async with lifespan(services):
        log.append("running")
        async with aiohttp.ClientSession() as session, session.get(url) as health:
            assert health.status == 200  # /healthz is served though no API adapter runs
    assert log == [
        "mount one",
        "mount two",
        "prepare backend",
        "start one",
        "start two",
        "running",
        "drain one",
        "drain two",
        "close one",
        "close two",
        "close backend",
    ]


async def test_an_adapter_failing_to_start_still_closes_everything() -> None:
    log: list[str] = []
    services = services_with(
        log, RecordingAdapter("one", log), RecordingAdapter("two", log, fails_to_start=True)
    )
    with pytest.raises(RuntimeError, match="refused the token"):
        async with lifespan(services):
            log.append("running")
    assert "running" not in log
    assert log[-5:] == ["drain one", "drain two", "close one", "close two", "close backend"]
    with socket.socket() as probe:  # the port was given back
        probe.bind(("127.0.0.1", services.settings.port))
