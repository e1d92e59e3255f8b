"""factbot in Slack: Socket Mode with an app token, else HTTP mode at `POST /slack/events`.

`SlackAdapter` implements `adapters.base.Adapter`; `bot` builds it from
settings, mounts it on the shared aiohttp server, starts, drains and closes it.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator, Mapping
from typing import Literal

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from adapters.background import BackgroundTasks
from adapters.base import PlatformUnavailable
from adapters.desk import QuestionDesk
from adapters.slack.answering import (
    PLACEHOLDER_DELAY_SECONDS,
    PROGRESS_INTERVAL_SECONDS,
    AnsweringStyle,
    SlackAnswering,
)
from adapters.slack.listeners import build_app
from adapters.slack.reply import AssistantStatus

__all__ = ["EVENTS_PATH", "SlackAdapter"]

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
RATE_LIMIT_RETRIES = 3  # 429s, each after Slack's Retry-After


class SlackAdapter:
    name = "slack"

    def __init__(
        self,
        desk: QuestionDesk,
        *,
        bot_token: str,
        app_token: str | None,
        signing_secret: str | None,
        api_url: str | None = None,
        sections: Literal["container", "buttons"] = "container",
        tasks: BackgroundTasks | None = None,
        placeholder_delay: float = PLACEHOLDER_DELAY_SECONDS,
        progress_interval: float = PROGRESS_INTERVAL_SECONDS,
        reaction: str = "mag",
    ) -> None:
        if not bot_token:
            raise ValueError("a bot token is required to run factbot in Slack")
        if not app_token and not signing_secret:
            raise ValueError(
                "an app token (Socket Mode) or a signing secret (HTTP mode) is required"
            )
        self.app_token = app_token or None
        self.client = AsyncWebClient(
            token=bot_token,
            base_url=_api_base(api_url),
            retry_handlers=[
                AsyncConnectionErrorRetryHandler(),
                AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
            ],
        )
        self.tasks = tasks if tasks is not None else desk.tasks
        self.answering = SlackAnswering(
            desk=desk,
            client=self.client,
            tasks=self.tasks,
            style=AnsweringStyle(
                sections=sections,
                placeholder_delay=placeholder_delay,
                progress_interval=progress_interval,
            ),
            status=AssistantStatus(),
            reaction=reaction,
        )
        self._verifier = SignatureVerifier(signing_secret) if signing_secret else None
        self._refusals = _Refusals()
        # Socket Mode needs no signing secret: Slack's WebSocket is authenticated by the app token.
        self.app = build_app(self.answering, signing_secret=signing_secret or "")
        self._socket: AsyncSocketModeHandler | None = None
        self._owns_session = False
        self._is_mounted = False

    @property
    def is_socket_mode(self) -> bool:
        return self.app_token is not None

    def mount(self, app: web.Application) -> None:
        if self.is_socket_mode:
            return
        app.router.add_post(EVENTS_PATH, self.handle_http)
        self._is_mounted = True

    async def handle_http(self, request: web.Request) -> web.Response:
        """One Slack request through bolt. The signature is checked first, on the raw bytes:
        a request Slack did not sign is refused (401) before anything parses or logs its body."""
        raw = await request.read()  # at most the server's client_max_size
        if self._verifier is not None and not _is_signed(self._verifier, raw, request.headers):
            self._refusals.note()
            return web.json_response({"error": "invalid request signature"}, status=401)
        response = await self.app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(response)

    async def start(self) -> None:
        """Check the bot token, then connect Socket Mode when an app token is set."""
        if self.client.session is None:
            # One session for every Web API call (Bolt's per-request clients share it): calls
            # reuse open connections instead of a new TCP and TLS handshake each.
            self.client.session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.client.timeout)
            )
            self._owns_session = True
        with _as_platform_error(self.client.base_url):
            identity = await self.client.auth_test()
        log.info("Slack: signed in as %s in %s", identity.get("user"), identity.get("team"))
        if self.app_token is None:
            return
        self._socket = AsyncSocketModeHandler(self.app, self.app_token, web_client=self.client)
        # Ask for the WebSocket URL here, so a bad app token fails loudly instead of retrying.
        # Once connected, the Socket Mode client reconnects by itself (with backoff).
        with _as_platform_error(self.client.base_url):
            self._socket.client.wss_uri = await self._socket.client.issue_new_wss_url()
            await self._socket.connect_async()  # type: ignore[no-untyped-call]
        log.info("Slack: Socket Mode connected")

    async def drain(self) -> None:
        """Stop taking questions; Slack sends new Socket Mode events to other connections."""
        self.answering.desk.stop_accepting()
        if self._socket is not None:
            self._socket.client.auto_reconnect_enabled = False
            await self._socket.disconnect_async()  # type: ignore[no-untyped-call]

    async def aclose(self) -> None:
        """Close the Socket Mode connection and the Web API session; `bot` drained the answers
        under way before."""
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]
            self._socket = None
        if self._owns_session and self.client.session is not None:
            await self.client.session.close()
            self.client.session = None
            self._owns_session = False

    def is_healthy(self) -> bool:
        if not self.is_socket_mode:
            return self._is_mounted
        client = self._socket.client if self._socket is not None else None
        session = client.current_session if client is not None else None
        return bool(client and not client.closed and session is not None and not session.closed)


@contextlib.contextmanager
def _as_platform_error(base_url: str) -> Iterator[None]:
    """Slack unreachable, or refusing a token, as one line for whoever runs factbot."""
    try:
        yield
    except SlackApiError as exc:
        raise PlatformUnavailable(
            "Slack", f"refused the token: {exc.response.get('error')}"
        ) from None
    except (aiohttp.ClientError, OSError, TimeoutError) as exc:
        raise PlatformUnavailable(
            "Slack", f"cannot be reached at {base_url} ({type(exc).__name__}: {exc})"
        ) from None


def _is_signed(verifier: SignatureVerifier, body: bytes, headers: Mapping[str, str]) -> bool:
    try:
        return verifier.is_valid(
            body=body,
            timestamp=headers.get("X-Slack-Request-Timestamp"),
            signature=headers.get("X-Slack-Signature"),
        )
    except ValueError:  # a timestamp that is not a number
        return False


class _Refusals:
    """Counts unsigned requests and says so at most once a minute (a flood is one line)."""

    def __init__(self, every: float = 60.0) -> None:
        self.every = every
        self._count = 0
        self._since: float | None = None

    def note(self) -> None:
        now = time.monotonic()
        self._count += 1
        if self._since is None or now - self._since >= self.every:
            log.warning(
                "refused %d Slack request(s) without a valid signature (check "
                "SLACK_SIGNING_SECRET if Slack's own requests are refused)",
                self._count,
            )
            self._count, self._since = 0, now


def _api_base(api_url: str | None) -> str:
    """The Web API base URL with the trailing slash slack_sdk expects."""
    base = (api_url or "https://slack.com/api/").strip()
    return base if base.endswith("/") else base + "/"
