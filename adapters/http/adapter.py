"""`HttpApiAdapter`: the HTTP API ("api") on the process's shared aiohttp server.

    POST /v1/answers        ask (the answer JSON plus "cache" and "stale")
    GET  /v1/answers/{id}   a stored answer
    GET  /healthz           the store and every adapter, 200 or 503
    GET  /metrics           Prometheus text
    GET  /openapi.json      the OpenAPI 3.1 document

`/v1/` is a sub-application so its middlewares (errors as JSON, the optional
bearer token) touch no other adapter's routes, such as Slack's events URL.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Coroutine
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Middleware
from prometheus_client import CollectorRegistry

from adapters.desk import QuestionDesk
from adapters.http.auth import require_bearer
from adapters.http.errors import ApiError, error_middleware
from adapters.http.health import HealthCheck
from adapters.http.openapi import OPENAPI_PATH, openapi_document
from adapters.http.ops import add_ops_routes
from adapters.http.schema import AskRequest, parse_ask_request
from answers import Answer, AnswerNotFound, AskOutcome, FactbotError, ShuttingDown

__all__ = ["API_PREFIX", "PLATFORM", "HttpApiAdapter", "caller_of"]

PLATFORM = "api"
API_PREFIX = "/v1"
ANSWER_ID = re.compile(r"[0-9a-f]{16}")


def caller_of(request: web.Request) -> str:
    """Who is asking, for the per-person rate limit: the peer's address."""
    return request.remote or "unknown"


def is_json(content_type: str) -> bool:
    return content_type == "application/json" or (
        content_type.startswith("application/") and content_type.endswith("+json")
    )


def answer_body(answer: Answer, **extra: object) -> dict[str, Any]:
    return {**answer.model_dump(mode="json"), **extra}


def answer_response(answer: Answer, **extra: object) -> web.Response:
    """The answer's JSON with `extra` fields after its own: serialised by pydantic's core in one
    pass (the same document as `answer_body`, a few times faster on the cached path)."""
    own = answer.model_dump_json().encode()
    more = json.dumps(extra, ensure_ascii=False).encode()[1:-1]
    body = own[:-1] + b"," + more + b"}" if more else own
    return web.Response(body=body, content_type="application/json", charset="utf-8")


def json_response(body: dict[str, Any], *, status: int = 200) -> web.Response:
    return web.json_response(
        body, status=status, dumps=lambda data: json.dumps(data, ensure_ascii=False)
    )


async def _settled(asking: Coroutine[Any, Any, AskOutcome]) -> AskOutcome | FactbotError:
    """The outcome, or the expected error as a value (so the task is not logged as failed)."""
    try:
        return await asking
    except FactbotError as exc:
        return exc


class HttpApiAdapter:
    """The HTTP API. The runner owns the server; this adds routes and refuses new questions
    once drained."""

    name = PLATFORM

    def __init__(
        self,
        desk: QuestionDesk,
        *,
        health: HealthCheck,
        metrics: CollectorRegistry,
        api_token: str | None = None,
    ) -> None:
        self.desk = desk
        self.health = health
        self.metrics = metrics
        self.api_token = api_token or None  # an empty FACTBOT_API_TOKEN= means no token

    # --- Adapter -------------------------------------------------------------------

    def mount(self, app: web.Application) -> None:
        # The error middleware is outermost, so it also words the token check's 401.
        middlewares: list[Middleware] = [error_middleware]
        if self.api_token is not None:
            middlewares.append(require_bearer(self.api_token))
        api = web.Application(middlewares=middlewares)
        api.router.add_post("/answers", self.post_answer)
        api.router.add_get("/answers/{id}", self.get_answer)
        app.add_subapp(API_PREFIX, api)
        app.router.add_get(OPENAPI_PATH, self.get_openapi)
        add_ops_routes(app, health=self.health, metrics=self.metrics)

    async def start(self) -> None:
        """Nothing to connect: the runner starts the shared server."""

    async def drain(self) -> None:
        self.desk.stop_accepting()

    async def aclose(self) -> None:
        """Nothing to close: the runner stops the shared server."""

    def is_healthy(self) -> bool:
        """Unhealthy once shutdown began, so a load balancer sends questions elsewhere."""
        return self.desk.accepting

    # --- handlers ------------------------------------------------------------------

    async def post_answer(self, request: web.Request) -> web.Response:
        self.desk.admit()  # 503 shutting_down once shutdown began
        if not is_json(request.content_type):
            # A browser sends text/plain or a form across sites without asking first (CORS):
            # only JSON, which it must ask about, may start research.
            raise ApiError(
                415,
                "unsupported_media_type",
                "Send the question as JSON, with the header 'Content-Type: application/json'.",
            )
        ask = parse_ask_request(await request.read())
        outcome = await self._ask(caller_of(request), ask)
        answer = outcome.answer
        return answer_response(answer, cache=outcome.cache, stale=self.desk.is_stale(answer))

    async def get_answer(self, request: web.Request) -> web.Response:
        answer_id = request.match_info["id"]
        if not ANSWER_ID.fullmatch(answer_id):
            raise AnswerNotFound(answer_id)
        answer = await self.desk.answer(answer_id)
        return answer_response(answer, stale=self.desk.is_stale(answer))

    async def get_openapi(self, request: web.Request) -> web.Response:
        return json_response(openapi_document())

    async def _ask(self, caller: str, ask: AskRequest) -> AskOutcome:
        # A desk task: shutdown waits for it, and a caller hanging up wastes no research.
        task = self.desk.tasks.spawn(
            _settled(self.desk.ask(PLATFORM, caller, ask.question, refresh=ask.refresh)),
            name="api-answer",
        )
        try:
            result: AskOutcome | FactbotError = await asyncio.shield(task)
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if task.cancelled() and (current is None or not current.cancelling()):
                # Shutdown passed its grace and stopped this answer: the caller hears so.
                raise ShuttingDown() from None
            raise
        if isinstance(result, Exception):
            raise result
        return result
