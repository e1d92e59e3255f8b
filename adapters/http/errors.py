"""The one place the HTTP API turns an error into a response.

Every error under `/v1/` leaves as `{"error": {"code": ..., "message": ...}}`
with a 4xx or 5xx status: factbot's error tree (worded by
`adapters.wording.describe_error`), the API's own request errors (`ApiError`),
aiohttp's routing errors (404, 405, 413), and, as a last resort, anything
unexpected (logged with its traceback, answered 500).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from aiohttp import web
from aiohttp.typedefs import Handler

from adapters.wording import describe_error
from answers import FactbotError, classify

__all__ = [
    "MAX_HEADER_BYTES",
    "MAX_REQUEST_LINE_BYTES",
    "ApiError",
    "error_middleware",
    "error_response",
    "quiet_disconnects",
    "response_for",
]

log = logging.getLogger(__name__)

# The HTTP server's limits on a request line and on one header: above aiohttp's 8 KiB, so a
# long id or a large cookie reaches the API and gets its JSON error rather than aiohttp's plain
# text 400 (which only requests past these limits still get).
MAX_REQUEST_LINE_BYTES = 32 * 1024
MAX_HEADER_BYTES = 32 * 1024

# aiohttp's own refusals (unknown path, wrong method, body over client_max_size).
ROUTING_ERRORS: Mapping[int, tuple[str, str]] = {
    404: ("not_found", "There is nothing at this path; GET /openapi.json lists the API."),
    405: ("method_not_allowed", "This path does not take that method; see the Allow header."),
    413: ("payload_too_large", "The request body is too large."),
}


class ApiError(Exception):
    """A request the API refuses before it reaches the desk (bad JSON, missing token...)."""

    def __init__(
        self, status: int, code: str, message: str, *, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})


def error_response(
    status: int, code: str, message: str, *, headers: Mapping[str, str] | None = None
) -> web.Response:
    return web.json_response(
        {"error": {"code": code, "message": message}}, status=status, headers=headers
    )


def response_for(exc: BaseException) -> web.Response:
    """The response for an error from the desk (or anything else an API handler raised): the
    error tree's own status and code (`answers.errors`), 500 for anything outside it."""
    if isinstance(exc, ApiError):
        return error_response(exc.status, exc.code, exc.message, headers=exc.headers)
    error = classify(exc)
    headers = {}
    if error.retry_seconds is not None:
        headers["Retry-After"] = str(error.retry_seconds)
    return error_response(error.http_status, error.code, describe_error(exc), headers=headers)


def _routing_response(exc: web.HTTPException) -> web.Response:
    code, message = ROUTING_ERRORS.get(exc.status, ("http_error", exc.reason))
    headers = {}
    if isinstance(exc, web.HTTPMethodNotAllowed):
        headers["Allow"] = ", ".join(sorted(exc.allowed_methods))
    return error_response(exc.status, code, message, headers=headers)


@web.middleware
async def quiet_disconnects(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A client that hangs up mid-request (mid-body) is not a server error: one DEBUG line,
    and a response nobody will read, instead of aiohttp's ERROR traceback. For every route."""
    try:
        return await handler(request)
    except ConnectionResetError:
        log.debug("the client hung up during %s %s", request.method, request.path)
        return web.Response(status=499, text="client closed request")


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:  # redirects and the like pass through untouched
            raise
        return _routing_response(exc)
    except ConnectionResetError:
        raise  # the client hung up: `quiet_disconnects` (the server's) says so, quietly
    except Exception as exc:
        if not isinstance(exc, ApiError | FactbotError):
            log.exception("unexpected error serving %s %s", request.method, request.path)
        return response_for(exc)
