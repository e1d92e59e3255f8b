"""The Slack harness: the real SlackAdapter (bolt AsyncApp, HTTP mode) on a loopback aiohttp
server, a fake Slack Web API, and a real AnswerEngine over Redis with a small in-test backend."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from adapters.desk import QuestionDesk
from adapters.slack import EVENTS_PATH, SlackAdapter
from answers import AnswerEngine, RedisStore
from tests.adapters.slack.fake_slack import (
    SIGNING_SECRET,
    FakeSlack,
    block_actions,
    command_body,
    event_body,
    interaction_body,
    signed_headers,
)
from tests.adapters.slack.limits import walk_blocks
from tests.answers.fake_backend import ScriptedBackend

MENTION_TS = "1700000000.000100"  # the harness's mentions are sent at this ts
FIRST_TS = "1800000000.000001"  # the ts the fake gives the first posted message


def texts(message: dict[str, Any]) -> str:
    return json.dumps(message.get("blocks") or []) + message.get("text", "")


def header(message: dict[str, Any]) -> str:
    return next(b["text"]["text"] for b in message["blocks"] if b["type"] == "header")


def button(message: dict[str, Any], action_id: str) -> dict[str, Any]:
    for block in walk_blocks(message["blocks"]):
        for element in [*block.get("elements", []), block.get("accessory") or {}]:
            if element.get("action_id") == action_id:
                return {k: element[k] for k in ("type", "action_id", "value") if k in element}
    raise AssertionError(f"no button {action_id}")


def as_message(posted: dict[str, Any], ts: str, thread_ts: str | None = None) -> dict[str, Any]:
    """A posted message as Slack puts it in a block_actions payload."""
    message = {"type": "message", "ts": ts, "text": posted["text"], "blocks": posted["blocks"]}
    if thread_ts:
        message["thread_ts"] = thread_ts
    return message


@dataclass
class Clock:
    """The engine's clock, moved by tests to make answers stale."""

    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = FakeSlack()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", fake.handle)
    server = TestServer(app, host="127.0.0.1", port=0)
    await server.start_server()
    fake.base = str(server.make_url("/"))
    yield fake
    await server.close()


@dataclass
class SlackHarness:
    """Sends Slack's signed requests to the adapter's real route and reads the fake's calls."""

    http: TestClient[Any, Any]
    fake: FakeSlack
    adapter: SlackAdapter
    backend: ScriptedBackend
    desk: QuestionDesk
    clock: Clock
    _events: int = 0

    async def send(self, body: str, content_type: str, **headers: str) -> tuple[int, str]:
        response = await self.http.post(
            EVENTS_PATH,
            data=body.encode(),
            headers={**signed_headers(body, content_type), **headers},
        )
        return response.status, await response.text()

    async def event(
        self, event: dict[str, Any], *, event_id: str | None = None, **headers: str
    ) -> tuple[int, str]:
        self._events += 1
        body = event_body(event, event_id=event_id or f"Ev{self._events}")
        return await self.send(body, "application/json", **headers)

    async def mention(
        self,
        text: str,
        *,
        user: str = "U1",
        channel: str = "C1",
        ts: str = MENTION_TS,
        **extra: Any,
    ) -> tuple[int, str]:
        return await self.event(
            {
                "type": "app_mention",
                "user": user,
                "channel": channel,
                "text": text,
                "ts": ts,
                "event_ts": ts,
                **extra,
            }
        )

    async def command(
        self, text: str, *, user: str = "U1", channel: str = "C1", command: str = "/factcheck"
    ) -> tuple[int, str]:
        body = command_body(
            text,
            user=user,
            channel=channel,
            response_url=self.fake.response_url("command"),
            command=command,
        )
        return await self.send(body, "application/x-www-form-urlencoded")

    async def message(
        self,
        text: str,
        *,
        user: str = "U1",
        channel: str = "C1",
        ts: str = "1700000000.000200",
        channel_type: str = "channel",
        **extra: Any,
    ) -> tuple[int, str]:
        """A person's message, as `message.channels` (or `message.im`) delivers it."""
        event = {
            "type": "message",
            "user": user,
            "channel": channel,
            "channel_type": channel_type,
            "text": text,
            "ts": ts,
            "event_ts": ts,
            **extra,
        }
        return await self.event(event)

    async def react(
        self, ts: str, *, user: str = "U2", channel: str = "C1", reaction: str = "mag"
    ) -> tuple[int, str]:
        """`reaction_added` for a reaction on the message at `ts`."""
        return await self.event(
            {
                "type": "reaction_added",
                "user": user,
                "reaction": reaction,
                "item": {"type": "message", "channel": channel, "ts": ts},
                "item_user": "U1",
                "event_ts": "1800000001.000001",
            }
        )

    async def interact(self, payload: dict[str, Any]) -> tuple[int, str]:
        return await self.send(interaction_body(payload), "application/x-www-form-urlencoded")

    async def click(
        self,
        report: dict[str, Any],
        action: dict[str, Any],
        *,
        user: str,
        name: str = "click",
        ts: str = FIRST_TS,
    ) -> tuple[int, str]:
        """`user` clicks `action` on `report`, posted at `ts` in the thread of a mention in C1;
        what factbot says back to the click goes to the fake's response URL `name`."""
        return await self.interact(
            block_actions(
                user=user,
                channel="C1",
                message=as_message(report, ts, MENTION_TS),
                action=action,
                response_url=self.fake.response_url(name),
            )
        )

    async def report_post(self, count: int = 1) -> dict[str, Any]:
        """The `count`-th message (post or update) carrying a report (it has a header block)."""

        def reports() -> list[dict[str, Any]]:
            return [
                c.body
                for c in self.fake.calls
                if c.path in ("/chat.postMessage", "/chat.update")
                and any(b.get("type") == "header" for b in c.body.get("blocks") or [])
            ]

        found = await self.fake.wait_for(
            lambda: len(reports()) >= count and reports(), what=f"report #{count}"
        )
        return found[count - 1]


BuildHarness = Callable[..., Any]


@pytest.fixture
async def make_harness(
    fake_slack: FakeSlack, redis_store: RedisStore
) -> AsyncIterator[BuildHarness]:
    made: list[tuple[SlackAdapter, TestClient[Any, Any]]] = []

    async def build(
        *,
        sections: str = "container",
        per_minute: int = 100,
        backend: Any = None,
        progress_interval: float = 1.0,
        backends: dict[str, Any] | None = None,
        channel_per_minute: int = 6,
    ) -> SlackHarness:
        backend = backend or ScriptedBackend()
        clock = Clock()
        engine = AnswerEngine(
            backend, redis_store, clock=clock, freshness=timedelta(hours=24), backends=backends
        )
        desk = QuestionDesk.over(
            engine, redis_store, per_minute=per_minute, channel_per_minute=channel_per_minute
        )
        adapter = SlackAdapter(
            desk,
            bot_token="xoxb-test",
            app_token=None,
            signing_secret=SIGNING_SECRET,
            api_url=fake_slack.base,
            sections=sections,  # type: ignore[arg-type]
            progress_interval=progress_interval,
        )
        web_app = web.Application()
        adapter.mount(web_app)
        http = TestClient(TestServer(web_app, host="127.0.0.1", port=0))
        await http.start_server()
        made.append((adapter, http))
        return SlackHarness(http, fake_slack, adapter, backend, desk, clock)

    yield build
    for adapter, http in made:
        await adapter.drain()
        await adapter.tasks.drain(0)
        await adapter.aclose()
        await http.close()
