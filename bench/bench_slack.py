"""A cached answer end to end on Slack, beside a bare Bolt app posting a message of the same size.

    .venv/bin/python bench/bench_slack.py [--events 300]

Both sides run in HTTP mode on a loopback aiohttp server and post to the same
loopback fake of Slack's Web API. Each sample is one signed `app_mention`
(a new event id and message) sent to `/slack/events`, timed until the reply
reaches `chat.postMessage` on the fake.

- floor: a bare `AsyncApp` whose `app_mention` listener posts the report's blocks as they are.
- factbot: the real `SlackAdapter` over the real desk and engine, Redis cache warm (the
  corpus backend on docs/), so every mention is a cache hit rendered to Block Kit.

Needs Redis on 127.0.0.1:6379 (database 14, its own namespace, removed afterwards).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adapters.desk import QuestionDesk
from adapters.slack import EVENTS_PATH, SlackAdapter
from adapters.slack.controls import ReportView
from adapters.slack.render import render_report
from answers import AnswerEngine, RedisStore, connect_redis
from answers.backends.corpus import CorpusBackend
from bench.figures import Figures, ratio_line
from bench.private_redis import bench_redis

ROOT = Path(__file__).resolve().parents[1]
SECRET = "bench-signing-secret"
QUESTION = "How does factbot cache answers?"
BOT_USER = "UBOT"
BATCH = 50


class FakeWebApi:
    """Slack's Web API on loopback: answers every method, and wakes whoever waits for a post."""

    def __init__(self) -> None:
        self.waiting: dict[str, asyncio.Future[int]] = {}
        self.base = ""

    async def handle(self, request: web.Request) -> web.Response:
        raw = await request.read()
        method = request.path.rsplit("/", 1)[-1]
        if method == "auth.test":
            return web.json_response(
                {"ok": True, "user_id": BOT_USER, "user": "factbot", "team": "T", "bot_id": "B"}
            )
        if method == "chat.postMessage":
            body = json.loads(raw) if raw.startswith(b"{") else {}
            waiter = self.waiting.pop(str(body.get("thread_ts")), None)
            if waiter is not None and not waiter.done():
                waiter.set_result(len(raw))
            ts = f"{time.time():.6f}"
            return web.json_response({"ok": True, "channel": body.get("channel"), "ts": ts})
        return web.json_response({"ok": True})


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}"


def bare_bolt(api_base: str, blocks: list[dict[str, Any]], text: str) -> web.Application:
    """The floor: Bolt, a signature check, one listener, one chat.postMessage of the same size."""
    bolt = AsyncApp(
        client=AsyncWebClient(token="xoxb-bench", base_url=api_base),
        signing_secret=SECRET,
        process_before_response=False,
    )

    @bolt.event("app_mention")
    async def on_mention(event: dict[str, Any], client: AsyncWebClient) -> None:
        await client.chat_postMessage(
            channel=event["channel"], thread_ts=event["ts"], text=text, blocks=blocks
        )

    async def handle(request: web.Request) -> web.Response:
        response = await bolt.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(response)

    app = web.Application()
    app.router.add_post(EVENTS_PATH, handle)
    return app


class Mentions:
    """Signed `app_mention` events, each a new event and a new message."""

    def __init__(self) -> None:
        self.verifier = SignatureVerifier(SECRET)
        self.n = 0

    def next(self) -> tuple[str, bytes, dict[str, str]]:
        self.n += 1
        ts = f"1700000000.{self.n:06d}"
        body = json.dumps(
            {
                "token": "legacy",
                "team_id": "T",
                "api_app_id": "A",
                "type": "event_callback",
                "event_id": f"Ev{uuid.uuid4().hex}",
                "event_time": int(time.time()),
                "authorizations": [{"team_id": "T", "user_id": BOT_USER, "is_bot": True}],
                "event": {
                    "type": "app_mention",
                    "user": f"U{self.n % 50}",
                    "channel": "C1",
                    "text": f"<@{BOT_USER}> {QUESTION}",
                    "ts": ts,
                    "event_ts": ts,
                },
            }
        )
        stamp = str(int(time.time()))
        headers = {
            "content-type": "application/json",
            "x-slack-request-timestamp": stamp,
            "x-slack-signature": self.verifier.generate_signature(timestamp=stamp, body=body),
        }
        return ts, body.encode(), headers


async def one_event(
    session: aiohttp.ClientSession, url: str, fake: FakeWebApi, mentions: Mentions
) -> float:
    ts, body, headers = mentions.next()
    posted: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    fake.waiting[ts] = posted
    started = time.perf_counter()
    async with session.post(url + EVENTS_PATH, data=body, headers=headers) as response:
        assert response.status == 200, response.status
    await asyncio.wait_for(posted, 10)
    return time.perf_counter() - started


async def run(events: int, redis_url: str) -> Figures:
    fake = FakeWebApi()
    api_app = web.Application()
    api_app.router.add_route("*", "/{tail:.*}", fake.handle)
    api_runner, api_url = await serve(api_app)
    api_base = api_url + "/api/"

    namespace = f"bench:{uuid.uuid4().hex[:8]}:"
    client = connect_redis(redis_url)
    store = RedisStore(client, namespace=namespace)
    index_dir = tempfile.TemporaryDirectory()
    backend = CorpusBackend(ROOT / "docs", index_path=Path(index_dir.name) / "index.sqlite3")
    await backend.refresh()
    engine = AnswerEngine(backend, store)
    desk = QuestionDesk.over(engine, store, per_minute=0)
    answer = await engine.ask(QUESTION)
    message = render_report(answer, view=ReportView(answer.id))

    adapter = SlackAdapter(
        desk, bot_token="xoxb-bench", app_token=None, signing_secret=SECRET, api_url=api_base
    )
    factbot_app = web.Application()
    adapter.mount(factbot_app)
    await adapter.start()
    factbot_runner, factbot_url = await serve(factbot_app)
    floor_runner, floor_url = await serve(bare_bolt(api_base, message["blocks"], message["text"]))

    mentions = Mentions()
    sides: dict[str, tuple[str, list[float]]] = {
        "bare Bolt app (floor)": (floor_url, []),
        "factbot Slack, cached": (factbot_url, []),
    }
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(50):  # warm both: connections, Bolt's first-call setup
                for url, _ in sides.values():
                    await one_event(session, url, fake, mentions)
            # Batches of BATCH events per side, alternating, so machine noise hits both alike
            # while each side runs as a steady stream (event by event, the idle Redis would be
            # woken for each of factbot's events: a scheduling cost of the loaded box).
            for _ in range(max(1, events // BATCH)):
                for url, samples in sides.values():
                    for _ in range(BATCH):
                        samples.append(await one_event(session, url, fake, mentions))
    finally:
        await adapter.aclose()
        for runner in (factbot_runner, floor_runner, api_runner):
            await runner.cleanup()
        keys = [k async for k in client.scan_iter(match=f"{namespace}*")]
        if keys:
            await client.delete(*keys)
        await engine.aclose()
        await store.aclose()
        index_dir.cleanup()
    figures = Figures()
    for name, (_, samples) in sides.items():
        figures.add(name, samples)
    print(f"report message: {len(json.dumps(message['blocks']))} bytes of blocks")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=600)
    args = parser.parse_args()
    print(f"Slack end to end: signed app_mention -> chat.postMessage, {args.events} events each")
    with bench_redis() as redis_url:
        figures = asyncio.run(run(args.events, redis_url))
    figures.print()
    print(
        ratio_line(
            "slack cached / bare Bolt", figures, "factbot Slack, cached", "bare Bolt app (floor)"
        )
    )


if __name__ == "__main__":
    main()
