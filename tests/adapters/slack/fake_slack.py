"""A loopback fake of Slack's Web API and response_url endpoints that records every call.

Beyond posting, it keeps channels' messages (`conversations.history` and
`conversations.replies` read them as Slack does: the history holds top-level
messages, a thread's replies only its thread), the workspace's people
(`users.info`, with `is_admin`/`is_owner`) and the App Home views published.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, quote

from aiohttp import web
from slack_sdk.signature import SignatureVerifier

from tests.adapters.recorded import Recorded

SIGNING_SECRET = "test-signing-secret"
BOT_USER = "UBOT"
TEAM = "T1"


@dataclass
class Call:
    path: str
    body: dict[str, Any]
    raw: str


@dataclass
class FakeSlack:
    calls: list[Call] = field(default_factory=list)
    base: str = ""
    not_member: set[str] = field(default_factory=set)  # channels where posting fails
    rate_limit_once: set[str] = field(default_factory=set)  # paths answering 429 once
    socket_url: str = ""  # what apps.connections.open hands out (Socket Mode)
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # by channel
    users: dict[str, dict[str, Any]] = field(default_factory=dict)  # by id
    recorded: Recorded = field(default_factory=Recorded)
    _next_ts: int = 0

    async def handle(self, request: web.Request) -> web.StreamResponse:
        raw = await request.text()
        if "json" in request.headers.get("content-type", ""):
            body = json.loads(raw) if raw else {}
        else:
            body = {k: v[0] for k, v in parse_qs(raw).items()}
        body = {**request.query, **body}  # reads (history, users.info) come as GET parameters
        path = request.path
        self.calls.append(Call(path, body, raw))
        await self.recorded.changed()
        if path in self.rate_limit_once:
            self.rate_limit_once.discard(path)
            return web.json_response(
                {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": "0"}
            )
        if path.startswith("/respond/"):
            return web.Response(text="ok")
        if path == "/auth.test":
            return web.json_response(
                {
                    "ok": True,
                    "team_id": TEAM,
                    "team": "Test",
                    "user_id": BOT_USER,
                    "user": "factbot",
                    "bot_id": "BBOT",
                }
            )
        if path == "/apps.connections.open":
            return web.json_response({"ok": True, "url": self.socket_url})
        if path == "/chat.postMessage":
            if body.get("channel") in self.not_member:
                return web.json_response({"ok": False, "error": "not_in_channel"})
            self._next_ts += 1
            ts = f"1800000000.{self._next_ts:06d}"
            return web.json_response(
                {"ok": True, "channel": body.get("channel"), "ts": ts, "message": {"ts": ts}}
            )
        if path == "/chat.update":
            return web.json_response(
                {"ok": True, "channel": body.get("channel"), "ts": body.get("ts")}
            )
        if path == "/chat.postEphemeral":
            return web.json_response({"ok": True, "message_ts": "1800000000.999999"})
        if path in ("/conversations.history", "/conversations.replies"):
            return self._read_messages(path, body)
        if path == "/users.info":
            user = self.users.get(str(body.get("user")))
            if user is None:
                return web.json_response({"ok": False, "error": "user_not_found"})
            return web.json_response({"ok": True, "user": user})
        return web.json_response({"ok": True})

    def _read_messages(self, path: str, body: dict[str, Any]) -> web.Response:
        channel = str(body.get("channel"))
        if channel in self.not_member or channel not in self.messages:
            error = "not_in_channel" if channel in self.not_member else "channel_not_found"
            return web.json_response({"ok": False, "error": error})
        everything = self.messages[channel]
        if path == "/conversations.history":
            found = [m for m in everything if m.get("thread_ts") in (None, m["ts"])]
        else:
            asked = next((m for m in everything if m["ts"] == body.get("ts")), None)
            if asked is None:
                return web.json_response({"ok": False, "error": "thread_not_found"})
            root = asked.get("thread_ts") or asked["ts"]
            parent = [m for m in everything if m["ts"] == root]
            found = parent + [
                m for m in everything if m.get("thread_ts") == root and m["ts"] != root
            ]
        oldest, latest = body.get("oldest"), body.get("latest")
        inclusive = str(body.get("inclusive")).lower() in ("1", "true")

        def within(ts: str) -> bool:
            after = oldest is None or (ts >= oldest if inclusive else ts > oldest)
            before = latest is None or (ts <= latest if inclusive else ts < latest)
            return after and before

        if path == "/conversations.history":
            found = sorted((m for m in found if within(m["ts"])), key=lambda m: m["ts"])
            found = list(reversed(found))[: int(body.get("limit") or 100)]  # newest first
        else:
            found = [m for i, m in enumerate(found) if i == 0 or within(m["ts"])]
        return web.json_response({"ok": True, "messages": found, "has_more": False})

    def add_message(self, channel: str, message: dict[str, Any]) -> dict[str, Any]:
        """A message Slack holds in `channel` (`ts` required; `thread_ts` for a thread reply)."""
        self.messages.setdefault(channel, []).append(message)
        return message

    # --- reading what was sent -------------------------------------------------------

    def to(self, path: str) -> list[dict[str, Any]]:
        return [c.body for c in self.calls if c.path == path]

    def posts(self) -> list[dict[str, Any]]:
        return self.to("/chat.postMessage")

    def updates(self) -> list[dict[str, Any]]:
        return self.to("/chat.update")

    def responses(self) -> list[dict[str, Any]]:
        return [c.body for c in self.calls if c.path.startswith("/respond/")]

    async def wait_for(
        self, predicate: Callable[[], Any], *, what: str = "the expected Slack calls"
    ) -> Any:
        """`predicate()` once it is truthy, woken by each call Slack receives (bounded)."""
        return await self.recorded.until(
            predicate, failure=lambda: f"timed out waiting for {what}; calls: {self.summary()}"
        )

    def summary(self) -> list[str]:
        return [f"{c.path} {c.raw[:120]}" for c in self.calls]

    def response_url(self, name: str) -> str:
        return f"{self.base}respond/{name}"


# --- signed requests, as Slack sends them ---------------------------------------------------

_verifier = SignatureVerifier(SIGNING_SECRET)


def signed_headers(body: str, content_type: str, *, timestamp: int | None = None) -> dict[str, str]:
    ts = str(timestamp if timestamp is not None else int(time.time()))
    return {
        "content-type": content_type,
        "x-slack-request-timestamp": ts,
        "x-slack-signature": _verifier.generate_signature(timestamp=ts, body=body),
    }


def event_body(event: dict[str, Any], *, event_id: str) -> str:
    return json.dumps(
        {
            "token": "legacy",
            "team_id": TEAM,
            "api_app_id": "A1",
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
            "event": event,
        }
    )


def interaction_body(payload: dict[str, Any]) -> str:
    return "payload=" + quote(json.dumps(payload))


def command_body(
    text: str, *, user: str, channel: str, response_url: str, command: str = "/factcheck"
) -> str:
    fields = {
        "command": command,
        "text": text,
        "user_id": user,
        "user_name": user.lower(),
        "channel_id": channel,
        "team_id": TEAM,
        "response_url": response_url,
        "trigger_id": "trigger",
    }
    return "&".join(f"{k}={quote(v, safe='')}" for k, v in fields.items())


def block_actions(
    *,
    user: str,
    channel: str,
    message: dict[str, Any],
    action: dict[str, Any],
    response_url: str,
) -> dict[str, Any]:
    """A `block_actions` payload for a click on `action` in `message`."""
    return {
        "type": "block_actions",
        "user": {"id": user, "team_id": TEAM},
        "team": {"id": TEAM},
        "api_app_id": "A1",
        "channel": {"id": channel},
        "container": {"type": "message", "message_ts": message["ts"], "channel_id": channel},
        "message": message,
        "response_url": response_url,
        "trigger_id": "trigger",
        "actions": [{**action, "block_id": "b", "action_ts": "1"}],
    }
