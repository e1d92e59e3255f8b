"""A first run is quiet: no deprecation or irrelevant warnings from `factbot ask`, `factbot run`
or `factbot discord sync`, each a real process against loopback fakes of Slack and Discord."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import tempfile
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from tests.adapters.discord.fake_discord import FakeDiscord
from tests.adapters.slack.fake_slack import SIGNING_SECRET, FakeSlack

pytestmark = pytest.mark.slow  # every test here starts another process

ROOT = Path(__file__).resolve().parents[2]
EMPTY_DIR = Path(tempfile.mkdtemp(prefix="factbot-quiet-"))
DISCORD_TOKEN = "MTQwMDAwMDAwMDAwMDAwMDAw.GabcDe.abcdefghijklmnopqrstuvwxyz0123"
SLACK_TOKEN = "xoxb-1-2-quiet"
NOISE = ("warning", "deprecat", "pynacl", "davey", "as you gave", "traceback")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    # What a newcomer sees: Python's own default warning filters.
    inherited = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    return {
        **inherited,
        "PYTHONPATH": str(ROOT),
        "FACTBOT_CORPUS_INDEX": str(tmp_path / "index.sqlite3"),
        **extra,
    }


async def start(*args: str, env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        *args,
        env=env,
        cwd=EMPTY_DIR,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


def noisy_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if any(n in line.lower() for n in NOISE)]


async def test_ask_prints_nothing_on_stderr(tmp_path: Path) -> None:
    process = await start("ask", "How does factbot cache answers?", env=environment(tmp_path))
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err.decode()
    assert b"Sources" in out
    assert err.decode() == ""


async def test_discord_sync_prints_only_its_result(tmp_path: Path) -> None:
    fake = FakeDiscord()
    await fake.start()
    try:
        env = environment(tmp_path, DISCORD_TOKEN=DISCORD_TOKEN, DISCORD_API_URL=fake.url)
        process = await start("discord", "sync", env=env)
        out, err = await asyncio.wait_for(process.communicate(), 60)
    finally:
        await fake.stop()
    assert process.returncode == 0, err.decode()
    assert out.decode().startswith("synced 3 commands")
    assert err.decode() == ""


async def test_run_with_every_adapter_logs_no_warning(tmp_path: Path) -> None:
    discord = FakeDiscord()
    await discord.start()
    slack = FakeSlack()
    slack_app = web.Application()
    slack_app.router.add_route("*", "/{tail:.*}", slack.handle)
    slack_server = TestServer(slack_app, host="127.0.0.1", port=0)
    await slack_server.start_server()
    slack.base = str(slack_server.make_url("/"))
    port = free_port()
    env = environment(
        tmp_path,
        FACTBOT_HOST="127.0.0.1",
        FACTBOT_PORT=str(port),
        SLACK_BOT_TOKEN=SLACK_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack.base,
        DISCORD_TOKEN=DISCORD_TOKEN,
        DISCORD_API_URL=discord.url,
    )
    process = await start("run", env=env)
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(400):
                assert process.returncode is None, (await process.communicate())[1].decode()
                try:
                    async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    pass
                await asyncio.sleep(0.05)
        await discord.wait_identified()
        assert any(call.path == "/auth.test" for call in slack.calls)
        process.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(process.communicate(), 60)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await discord.stop()
        await slack_server.close()
    stderr = err.decode()
    assert process.returncode == 0, stderr
    assert "factbot is running: slack, discord, api" in stderr
    assert noisy_lines(stderr) == []
