"""factbot in Slack: Socket Mode with an app token, else HTTP mode at `POST /slack/events`.

`SlackAdapter` implements `adapters.base.Adapter`; `bot` builds it from
settings, mounts it on the shared aiohttp server, starts, drains and closes it.
"""

from __future__ import annotations

import logging
from typing import Literal

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from adapters.background import BackgroundTasks
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
        """One Slack request through bolt (signature checked there: 401 when it fails)."""
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
        identity = await self.client.auth_test()
        log.info("Slack: signed in as %s in %s", identity.get("user"), identity.get("team"))
        if self.app_token is None:
            return
        self._socket = AsyncSocketModeHandler(self.app, self.app_token, web_client=self.client)
        # Ask for the WebSocket URL here, so a bad app token fails loudly instead of retrying.
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


def _api_base(api_url: str | None) -> str:
    """The Web API base URL with the trailing slash slack_sdk expects."""
    base = (api_url or "https://slack.com/api/").strip()
    return base if base.endswith("/") else base + "/"
