"""Socket Mode: with an app token the adapter opens Slack's WebSocket, acknowledges envelopes on
it and answers through the Web API (a loopback fake of both)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import WSMsgType, web
from aiohttp.test_utils import TestServer

from adapters.desk import QuestionDesk
from adapters.slack import SlackAdapter
from answers import AnswerEngine, RedisStore
from tests.adapters.slack.fake_slack import BOT_USER, TEAM, FakeSlack
from tests.answers.fake_backend import ScriptedBackend


class FakeSocket:
    """Slack's Socket Mode endpoint: sends envelopes, records the acknowledgements."""

    def __init__(self) -> None:
        self.acks: list[dict[str, Any]] = []
        self.connected = asyncio.Event()
        self.outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"type": "hello", "num_connections": 1})
        self.connected.set()
        sender = asyncio.create_task(self._send(ws))
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    self.acks.append(json.loads(message.data))
        finally:
            sender.cancel()
        return ws

    async def _send(self, ws: web.WebSocketResponse) -> None:
        while True:
            await ws.send_json(await self.outbox.get())


@pytest.fixture
async def socket_slack() -> AsyncIterator[tuple[FakeSlack, FakeSocket]]:
    fake, socket = FakeSlack(), FakeSocket()
    app = web.Application()
    app.router.add_get("/link", socket.handle)
    app.router.add_route("*", "/{tail:.*}", fake.handle)
    server = TestServer(app, host="127.0.0.1", port=0)
    await server.start_server()
    fake.base = str(server.make_url("/"))
    fake.socket_url = str(server.make_url("/link")).replace("http://", "ws://")
    yield fake, socket
    await server.close()


async def test_socket_mode_answers_a_mention_and_acknowledges_the_envelope(
    socket_slack: tuple[FakeSlack, FakeSocket], redis_store: RedisStore
) -> None:
    fake, socket = socket_slack
    engine = AnswerEngine(ScriptedBackend(), redis_store)
    desk = QuestionDesk.over(engine, redis_store)
    adapter = SlackAdapter(
        desk, bot_token="xoxb-test", app_token="xapp-test", signing_secret=None, api_url=fake.base
    )
    web_app = web.Application()
    adapter.mount(web_app)
    assert len(web_app.router.routes()) == 0  # no public route in Socket Mode
    try:
        await adapter.start()
        await asyncio.wait_for(socket.connected.wait(), 5)
        assert adapter.is_healthy()

        await socket.outbox.put(
            {
                "envelope_id": "env-1",
                "type": "events_api",
                "accepts_response_payload": False,
                "retry_attempt": 0,
                "retry_reason": "",
                "payload": {
                    "type": "event_callback",
                    "team_id": TEAM,
                    "api_app_id": "A1",
                    "event_id": "EvSocket1",
                    "event_time": 1,
                    "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
                    "event": {
                        "type": "app_mention",
                        "user": "U1",
                        "channel": "C1",
                        "text": f"<@{BOT_USER}> does it work over a socket?",
                        "ts": "1700000000.000100",
                    },
                },
            }
        )
        report = await fake.wait_for(
            lambda: [
                u
                for u in fake.updates() + fake.posts()
                if any(b["type"] == "header" for b in u.get("blocks") or [])
            ],
            what="the report",
        )
        assert report[0]["channel"] == "C1"
        assert {"envelope_id": "env-1"} in socket.acks
        assert fake.to("/apps.connections.open")
    finally:
        await adapter.drain()
        await adapter.aclose()
    assert not adapter.is_healthy()
