"""The optional bearer token on `/v1/` (`FACTBOT_API_TOKEN`)."""

from __future__ import annotations

import hmac

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from adapters.http.errors import ApiError

__all__ = ["bearer_token_of", "require_bearer"]

SCHEME = "bearer"


def bearer_token_of(authorization: str) -> str | None:
    """The token in an `Authorization: Bearer <token>` header value, or None."""
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != SCHEME or not token:
        return None
    return token


def require_bearer(token: str) -> Middleware:
    """A middleware refusing (401) any request without exactly this bearer token."""
    expected = token.encode()

    @web.middleware
    async def check_bearer(request: web.Request, handler: Handler) -> web.StreamResponse:
        given = bearer_token_of(request.headers.get("Authorization", ""))
        # compare_digest: the time taken does not tell how much of a guess was right.
        if given is None or not hmac.compare_digest(
            given.encode("utf-8", "surrogateescape"), expected
        ):
            raise ApiError(
                401,
                "unauthorized",
                "This API needs the header 'Authorization: Bearer <token>' with the server's "
                "FACTBOT_API_TOKEN.",
                headers={"WWW-Authenticate": 'Bearer realm="factbot"'},
            )
        return await handler(request)

    return check_bearer
