"""`DiscordAdapter`: factbot on the Discord gateway, as `bot` runs it (the `Adapter` protocol),
and `sync_commands`, which registers the commands with Discord."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Iterator

import aiohttp
import discord
from aiohttp import web

from adapters.base import PlatformUnavailable
from adapters.desk import QuestionDesk
from adapters.discord.client import FactbotClient
from adapters.discord.listeners import Listeners

log = logging.getLogger(__name__)

API_VERSION = 10
_VERSIONED = re.compile(r"/api/v\d+$")
CLOSE_TIMEOUT_SECONDS = 10.0
RECONNECT_SECONDS = (1.0, 60.0)  # the first wait before connecting the gateway again, the longest


def use_api_url(api_url: str) -> str:
    """Send every Discord REST call (and interaction reply) to `api_url` (a proxy, or a fake in
    tests): sets `discord.http.Route.BASE` for the whole process. `/api/v10` is added when the
    URL names no API version. Returns the base used."""
    base = api_url.rstrip("/")
    if not _VERSIONED.search(base):
        base += f"/api/v{API_VERSION}"
    discord.http.Route.BASE = base
    return base


@contextlib.contextmanager
def as_platform_error() -> Iterator[None]:
    """Discord unreachable, or refusing the token, as one line for whoever runs factbot."""
    try:
        yield
    except discord.LoginFailure:
        raise PlatformUnavailable("Discord", "refused the bot token (DISCORD_TOKEN)") from None
    except discord.HTTPException as exc:
        raise PlatformUnavailable("Discord", f"refused a request: {exc}") from None
    except (aiohttp.ClientError, OSError, TimeoutError) as exc:
        raise PlatformUnavailable(
            "Discord",
            f"cannot be reached at {discord.http.Route.BASE} ({type(exc).__name__}: {exc})",
        ) from None


class DiscordAdapter:
    name = "discord"

    def __init__(
        self,
        desk: QuestionDesk,
        *,
        token: str,
        api_url: str | None = None,
        shard_ids: list[int] | None = None,
        shard_count: int | None = None,
        message_content: bool = False,
        reaction: str = "🔍",
        reconnect_seconds: tuple[float, float] = RECONNECT_SECONDS,
    ) -> None:
        if shard_ids is not None and shard_count is None:
            raise ValueError("shard_ids needs shard_count (the total number of shards)")
        if api_url:
            use_api_url(api_url)
        self.message_content = message_content
        self.listeners = Listeners(desk, reads_content=message_content, reaction=reaction)
        self.client = FactbotClient(
            self.listeners,
            shard_ids=shard_ids,
            shard_count=shard_count,
            message_content=message_content,
        )
        self._token = token
        self.reconnect_seconds = reconnect_seconds
        self._gateway: asyncio.Task[None] | None = None
        self._is_started = False

    def mount(self, app: web.Application) -> None:
        """Nothing to mount: Discord delivers everything over the gateway."""

    async def start(self) -> None:
        """Log in (a bad token fails here), then connect the gateway in the background."""
        self._is_started = True
        if self.message_content:
            log.info(
                'Discord: fact-checking by %s reaction and "answer every question" are on; they '
                "use the privileged Message Content intent, which must be switched on for the "
                "bot in the Developer Portal",
                self.listeners.reaction,
            )
        else:
            log.info(
                'Discord: fact-checking by reaction and "answer every question" are off (set '
                "DISCORD_MESSAGE_CONTENT=true and switch on the privileged Message Content intent "
                'to use them); mentions, DMs, replies to reports, /factcheck and "Fact-check '
                'this message" work without it'
            )
        try:
            with as_platform_error():
                await self.client.login(self._token)
        except BaseException:
            await self.client.close()
            raise
        self._gateway = asyncio.create_task(self._run_gateway(), name="discord-gateway")

    async def _run_gateway(self) -> None:
        """Keep the gateway connected: discord.py resumes a dropped connection itself; when
        connecting fails outright (Discord unreachable, its gateway URL refused), try again
        after a wait that doubles up to a minute, one warning each time."""
        wait, longest = self.reconnect_seconds
        while not self.client.is_closed():
            try:
                await self.client.connect(reconnect=True)
                return  # closed by `aclose`
            except discord.PrivilegedIntentsRequired:
                log.error(
                    "Discord refused the Message Content intent: switch it on for the bot in "
                    "the Developer Portal (Bot → Privileged Gateway Intents), or unset "
                    "DISCORD_MESSAGE_CONTENT; factbot is offline on Discord"
                )
                return
            except discord.LoginFailure:
                log.error("Discord refused the bot token; factbot is offline on Discord")
                return
            except Exception as exc:
                if self.client.is_closed():
                    return
                log.warning(
                    "could not connect to the Discord gateway (%s: %s); trying again in %.0f s",
                    type(exc).__name__,
                    exc,
                    wait,
                )
            await asyncio.sleep(wait)
            wait = min(wait * 2, longest)

    async def drain(self) -> None:
        """New questions get a "restarting" reply; answers under way go on."""
        self.listeners.desk.stop_accepting()

    async def aclose(self) -> None:
        if not self._is_started:
            return  # never logged in: no session or connection to close
        await self.client.close()
        gateway, self._gateway = self._gateway, None
        if gateway is not None and not gateway.done():
            done, _ = await asyncio.wait({gateway}, timeout=CLOSE_TIMEOUT_SECONDS)
            if not done:
                gateway.cancel()

    def is_healthy(self) -> bool:
        """Logged in and every shard's gateway connection ready and open."""
        if self._gateway is None or self._gateway.done() or self.client.is_closed():
            return False
        shards = self.client.shards.values()
        return self.client.is_ready() and bool(shards) and not any(s.is_closed() for s in shards)


async def sync_commands(
    token: str, *, guild_id: int | None = None, api_url: str | None = None
) -> list[str]:
    """Register `/factcheck`, "Fact-check this message" and `/factbot settings` with Discord: in
    one guild (instant, for trying things out) or globally. Returns the names Discord now
    holds."""
    if api_url:
        use_api_url(api_url)
    client = FactbotClient()
    async with client:
        with as_platform_error():
            await client.login(token)
            guild = discord.Object(id=guild_id) if guild_id is not None else None
            if guild is not None:
                client.tree.copy_global_to(guild=guild)
            synced = await client.tree.sync(guild=guild)
    return [command.name for command in synced]
