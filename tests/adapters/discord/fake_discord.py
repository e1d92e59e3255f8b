"""A fake Discord on loopback: the REST API and the gateway, speaking the real wire format.

discord.py's own HTTP client and websocket talk to it (`Route.BASE` and the
gateway URL from `GET /gateway/bot` point here). Every REST call is recorded
as a `Call`; gateway events are pushed with `dispatch`.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.adapters.recorded import Recorded

BOT_ID = "1100000000000000001"
APP_ID = "1200000000000000002"
OWNER_ID = "1300000000000000003"
BOT_USER = {
    "id": BOT_ID,
    "username": "factbot",
    "discriminator": "0",
    "global_name": None,
    "avatar": None,
    "bot": True,
}
APPLICATION = {
    "id": APP_ID,
    "name": "factbot",
    "description": "",
    "icon": None,
    "bot_public": True,
    "bot_require_code_grant": False,
    "verify_key": "0" * 64,
    "flags": 0,
    "owner": {"id": OWNER_ID, "username": "owner", "discriminator": "0", "avatar": None},
}
EPHEMERAL = 1 << 6
PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15)  # members, presences, message content
COMPONENTS_V2 = 1 << 15


@dataclass
class Call:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    files: dict[str, bytes] = field(default_factory=dict)

    @property
    def flags(self) -> int:
        data = self.body.get("data", self.body) if isinstance(self.body, dict) else {}
        return int((data or {}).get("flags") or 0)

    def texts(self) -> list[str]:
        """Every Text Display's content in the call's components (nested ones included)."""
        data = self.body.get("data", self.body) if isinstance(self.body, dict) else {}
        return [c["content"] for c in walk((data or {}).get("components", [])) if c["type"] == 10]


def walk(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every component, nested ones and section accessories included."""
    found: list[dict[str, Any]] = []
    for component in components:
        found.append(component)
        found += walk(component.get("components", []))
        if "accessory" in component:
            found += walk([component["accessory"]])
    return found


def _json(payload: Any, status: int = 200) -> web.Response:
    # discord.py parses JSON only when the content type is exactly application/json.
    return web.Response(
        body=json.dumps(payload).encode(),
        status=status,
        headers={"Content-Type": "application/json"},
    )


@dataclass
class Refusal:
    """An error Discord answers to the calls `matches` picks (after recording them)."""

    matches: Callable[[Call], bool]
    status: int
    code: int
    message: str


UNKNOWN_WEBHOOK = (404, 10015, "Unknown Webhook")  # an interaction token past its 15 minutes
MISSING_PERMISSIONS = (403, 50013, "Missing Permissions")
INVALID_FORM_BODY = (400, 50035, "Invalid Form Body")


class FakeDiscord:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.identified: list[dict[str, Any]] = []
        self.unauthorized_tokens: set[str] = set()
        self.refusals: list[Refusal] = []
        self.recorded = Recorded()
        # Messages people can fetch (`GET /channels/{c}/messages/{m}`), by id, and every message
        # factbot posted or edited in place (its payload as Discord answered it), in order.
        self.messages: dict[str, dict[str, Any]] = {}
        # The privileged intents switched on in the "Developer Portal" (Discord closes with 4014
        # when a bot identifies with one that is off).
        self.allowed_intents = PRIVILEGED_INTENTS
        self.sent: list[dict[str, Any]] = []
        self._sockets: list[web.WebSocketResponse] = []
        self._ids = itertools.count(1_500_000_000_000_000_000)
        self._sequence = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.url = ""
        self.gateway_url = ""

    # --- running ----------------------------------------------------------------------

    async def start(self) -> str:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}/api/v10"
        self.gateway_url = f"ws://127.0.0.1:{port}/gateway"
        return self.url

    async def stop(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # --- waiting on what the bot did ------------------------------------------------------

    async def wait_for(
        self, matches: Callable[[Call], bool], *, after: int = 0, what: str = "a call"
    ) -> Call:
        """The first recorded call from index `after` on that `matches`, woken by each call
        (bounded)."""

        def found() -> Call | None:
            return next((call for call in self.calls[after:] if matches(call)), None)

        def failure() -> str:
            seen = "\n".join(f"  {c.method} {c.path} {str(c.body)[:200]}" for c in self.calls)
            return f"no {what} in time; calls:\n{seen}"

        return await self.recorded.until(found, failure=failure)

    async def wait_identified(self, count: int = 1) -> None:
        await self.recorded.until(
            lambda: len(self.identified) >= count,
            failure=lambda: "the client never identified on the gateway",
        )

    # --- gateway ----------------------------------------------------------------------

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a gateway event to every connected client."""
        frame = {"op": 0, "t": event, "s": next(self._sequence), "d": data}
        for ws in list(self._sockets):
            await ws.send_str(json.dumps(frame))

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 45_000}}))
        try:
            async for message in ws:
                frame = json.loads(message.data)
                if frame["op"] == 1:  # heartbeat
                    await ws.send_str(json.dumps({"op": 11}))
                elif frame["op"] == 2:  # identify
                    if frame["d"].get("intents", 0) & PRIVILEGED_INTENTS & ~self.allowed_intents:
                        await ws.close(code=4014, message=b"Disallowed intent(s).")
                        break
                    shard = frame["d"].get("shard", [0, 1])
                    ready = {
                        "v": 10,
                        "user": BOT_USER,
                        "guilds": [],
                        "session_id": "fake-session",
                        "resume_gateway_url": self.gateway_url,
                        "shard": shard,
                        "application": {"id": APP_ID, "flags": 0},
                    }
                    await ws.send_str(
                        json.dumps({"op": 0, "t": "READY", "s": next(self._sequence), "d": ready})
                    )
                    self.identified.append(frame["d"])
                    await self.recorded.changed()
        finally:
            self._sockets.remove(ws)
        return ws

    # --- REST -------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        body: Any = None
        files: dict[str, bytes] = {}
        if request.content_type == "application/json":
            body = await request.json()
        elif request.content_type == "multipart/form-data":
            async for part in await request.multipart():
                data = await part.read()  # type: ignore[union-attr]
                if part.name == "payload_json":  # type: ignore[union-attr]
                    body = json.loads(data)
                else:
                    files[part.filename or part.name or "?"] = bytes(data)  # type: ignore[union-attr]
        path = "/" + request.match_info["tail"]
        call = Call(request.method, path, dict(request.query), body, files)
        self.calls.append(call)
        await self.recorded.changed()
        token = request.headers.get("Authorization", "").removeprefix("Bot ")
        if token in self.unauthorized_tokens:
            return _json({"message": "401: Unauthorized", "code": 0}, status=401)
        for refusal in self.refusals:
            if refusal.matches(call):
                return _json({"message": refusal.message, "code": refusal.code}, refusal.status)
        return self._answer(call)

    def refuse(self, matches: Callable[[Call], bool], error: tuple[int, int, str]) -> None:
        self.refusals.append(Refusal(matches, *error))

    def _answer(self, call: Call) -> web.StreamResponse:
        method, path, body = call.method, call.path, call.body or {}
        parts = path.strip("/").split("/")
        if path == "/users/@me":
            return _json(BOT_USER)
        if path == "/oauth2/applications/@me":
            return _json(APPLICATION)
        if path == "/gateway/bot":
            return _json(
                {
                    "url": self.gateway_url,
                    "shards": 1,
                    "session_start_limit": {
                        "total": 1000,
                        "remaining": 999,
                        "reset_after": 0,
                        "max_concurrency": 1,
                    },
                }
            )
        if parts[0] == "interactions" and parts[-1] == "callback":
            kind = body.get("type")
            data = body.get("data") or {}
            response: dict[str, Any] = {
                "interaction": {
                    "id": parts[1],
                    "type": 2,
                    "response_message_loading": kind == 5,
                    "response_message_ephemeral": bool(data.get("flags", 0) & EPHEMERAL),
                },
                "resource": {"type": kind},
            }
            if kind in (4, 7):
                response["resource"]["message"] = self._message("5", data)
            return _json(response)
        if parts[0] == "webhooks":
            if method == "DELETE":
                return web.Response(status=204)
            return _json(self._message("5", body))
        if (
            parts[0] == "channels"
            and len(parts) == 4
            and parts[2] == "messages"
            and method == "GET"
        ):
            found = self.messages.get(parts[3])
            if found is None or found["channel_id"] != parts[1]:
                return _json({"message": "Unknown Message", "code": 10008}, status=404)
            return _json(found)
        if parts[0] == "channels" and parts[-1] == "typing":
            return web.Response(status=204)
        if parts[0] == "channels" and parts[-1] == "messages" and method == "POST":
            return _json(self._message(parts[1], body))
        if parts[0] == "applications" and parts[-1] == "commands" and method == "PUT":
            guild = parts[3] if len(parts) == 5 else None
            return _json([self._command(c, guild) for c in body])
        return _json({"message": f"fake Discord has no {method} {path}", "code": 0}, status=404)

    def _message(self, channel_id: str, body: dict[str, Any]) -> dict[str, Any]:
        sent = sent_message(
            str(next(self._ids)),
            channel_id,
            content=body.get("content") or "",
            components=body.get("components") or [],
            flags=body.get("flags") or 0,
        )
        self.sent.append(sent)
        return sent

    def add_message(self, payload: dict[str, Any]) -> dict[str, Any]:
        """A message Discord holds (for `fetch_message`): a MESSAGE_CREATE-shaped payload."""
        self.messages[payload["id"]] = payload
        return payload

    def _command(self, command: dict[str, Any], guild: str | None) -> dict[str, Any]:
        synced = {
            "id": str(next(self._ids)),
            "application_id": APP_ID,
            "version": "1",
            "description": "",
            "type": 1,
            "options": [],
            **command,
        }
        if guild is not None:
            synced["guild_id"] = guild
        return synced


def sent_message(
    message_id: str,
    channel_id: str,
    *,
    content: str = "",
    components: list[dict[str, Any]] | None = None,
    flags: int = 0,
    timestamp: str = "2026-11-01T12:00:00+00:00",
) -> dict[str, Any]:
    """A message factbot sent, in Discord's message payload shape."""
    return {
        "id": message_id,
        "channel_id": channel_id,
        "author": BOT_USER,
        "content": content,
        "timestamp": timestamp,
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "pinned": False,
        "type": 0,
        "components": components or [],
        "flags": flags,
    }
