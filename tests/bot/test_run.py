"""`factbot run` as a real process: serving, SIGTERM, and two replicas sharing Redis."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

pytestmark = pytest.mark.slow  # every test here starts another process

ROOT = Path(__file__).resolve().parents[2]
EMPTY_DIR = Path(tempfile.mkdtemp(prefix="factbot-run-"))
CLEAN_ENV_PREFIXES = ("SLACK_", "DISCORD_", "FACTBOT_", "REDIS_", "LLM_", "SEARXNG_", "BRAVE_")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Replica:
    def __init__(self, env: dict[str, str]) -> None:
        self.port = free_port()
        base = {k: v for k, v in os.environ.items() if not k.startswith(CLEAN_ENV_PREFIXES)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run", "api"],
            env={
                **base,
                "PYTHONPATH": str(ROOT),
                "FACTBOT_HOST": "127.0.0.1",
                "FACTBOT_PORT": str(self.port),
                **env,
            },
            cwd=EMPTY_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.base = f"http://127.0.0.1:{self.port}"

    async def ready(self, session: aiohttp.ClientSession) -> None:
        for _ in range(200):
            if self.proc.poll() is not None:
                pytest.fail(f"factbot run exited: {self.proc.communicate()[1]}")
            try:
                async with session.get(f"{self.base}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.05)
        pytest.fail("factbot run did not become healthy")

    def stop(self) -> tuple[int, str]:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        _, err = self.proc.communicate(timeout=30)
        return self.proc.returncode, err


@pytest.fixture
def replica_env(tmp_path: Path, redis_url: str, namespace: str) -> dict[str, str]:
    return {
        "REDIS_URL": redis_url,
        "FACTBOT_REDIS_NAMESPACE": namespace,
        "FACTBOT_CORPUS_INDEX": str(tmp_path / "index.sqlite3"),
    }


@pytest.fixture
def replicas(replica_env: dict[str, str]) -> Iterator[list[Replica]]:
    started: list[Replica] = []
    yield started
    for replica in started:
        if replica.proc.poll() is None:
            replica.proc.kill()
            replica.proc.communicate()


async def test_sigterm_stops_cleanly_with_exit_0(
    replicas: list[Replica], replica_env: dict[str, str]
) -> None:
    replica = Replica(replica_env)
    replicas.append(replica)
    async with aiohttp.ClientSession() as session:
        await replica.ready(session)
        async with session.post(
            f"{replica.base}/v1/answers", json={"question": "How does factbot cache answers?"}
        ) as r:
            assert r.status == 200
    code, err = replica.stop()
    assert code == 0, err
    assert "Traceback" not in err
    assert "factbot stopped" in err


async def test_two_replicas_sharing_redis_research_a_question_once(
    replicas: list[Replica], replica_env: dict[str, str], redis_store: object
) -> None:
    replicas += [Replica(replica_env), Replica(replica_env)]
    question = {"question": "What happens when Redis is down?"}
    async with aiohttp.ClientSession() as session:
        await asyncio.gather(*(r.ready(session) for r in replicas))

        async def ask(replica: Replica) -> dict[str, object]:
            async with session.post(f"{replica.base}/v1/answers", json=question) as response:
                assert response.status == 200
                return dict(await response.json())

        answers = await asyncio.gather(*(ask(r) for r in replicas))
        assert answers[0]["id"] == answers[1]["id"]
        assert [a["cache"] for a in answers].count("miss") == 1
        # The answer one replica made is readable on the other (buttons on old messages).
        async with session.get(f"{replicas[1].base}/v1/answers/{answers[0]['id']}") as r:
            assert r.status == 200
    for replica in replicas:
        assert replica.stop()[0] == 0
