"""`factbot run`: several adapters in one process, one engine, one Redis pool, one HTTP server.

On SIGTERM or SIGINT it stops taking new questions, lets answers under way
finish until FACTBOT_SHUTDOWN_GRACE, closes every connection and exits 0.
"""

from __future__ import annotations

import asyncio
import logging
import re
import signal
from collections.abc import Sequence

from aiohttp import web

from adapters.base import Adapter
from adapters.http import HealthCheck, HttpApiAdapter, add_ops_routes
from bot.config import ConfigError, Settings
from bot.wiring import Services, build

log = logging.getLogger(__name__)

ALL_ADAPTERS = ("slack", "discord", "api")
_DISCORD_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}$")


def configured_adapters(settings: Settings) -> list[str]:
    """With no adapter named: every adapter whose settings are present (the API always is)."""
    names = []
    if settings.slack_bot_token is not None:
        names.append("slack")
    if settings.discord_token is not None:
        names.append("discord")
    names.append("api")
    return names


def _secret(value: object) -> str:
    return value.get_secret_value().strip() if value is not None else ""  # type: ignore[attr-defined]


def check_adapter_settings(settings: Settings, names: Sequence[str]) -> None:
    """Raise `ConfigError` naming the first missing or malformed variable a chosen adapter needs."""
    if "slack" in names:
        bot_token = _secret(settings.slack_bot_token)
        if not bot_token:
            raise ConfigError("SLACK_BOT_TOKEN is not set (the bot token, xoxb-...)")
        if not bot_token.startswith("xoxb-"):
            raise ConfigError("SLACK_BOT_TOKEN is malformed: a bot token starts with xoxb-")
        app_token = _secret(settings.slack_app_token)
        if app_token and not app_token.startswith("xapp-"):
            raise ConfigError("SLACK_APP_TOKEN is malformed: an app-level token starts with xapp-")
        if not app_token and not _secret(settings.slack_signing_secret):
            raise ConfigError(
                "SLACK_SIGNING_SECRET is not set: HTTP mode needs it "
                "(or set SLACK_APP_TOKEN for Socket Mode)"
            )
    if "discord" in names:
        token = _secret(settings.discord_token)
        if not token:
            raise ConfigError("DISCORD_TOKEN is not set (the bot token from the Developer Portal)")
        if not _DISCORD_TOKEN.match(token):
            raise ConfigError("DISCORD_TOKEN is malformed: expected three dot-separated parts")


def build_adapters(services: Services, names: Sequence[str]) -> list[Adapter]:
    settings = services.settings
    adapters: list[Adapter] = []
    for name in names:
        if name == "slack":
            from adapters.slack import SlackAdapter

            adapters.append(
                SlackAdapter(
                    services.desk,
                    bot_token=_secret(settings.slack_bot_token),
                    app_token=_secret(settings.slack_app_token) or None,
                    signing_secret=_secret(settings.slack_signing_secret) or None,
                    api_url=settings.slack_api_url,
                    sections=settings.slack_sections,
                    reaction=settings.slack_reaction_emoji,
                )
            )
        elif name == "discord":
            from adapters.discord import DiscordAdapter

            adapters.append(
                DiscordAdapter(
                    services.desk,
                    token=_secret(settings.discord_token),
                    api_url=settings.discord_api_url,
                    shard_ids=_shard_ids(settings.discord_shard_ids),
                    shard_count=settings.discord_shard_count,
                )
            )
        elif name == "api":
            adapters.append(
                HttpApiAdapter(
                    services.desk,
                    health=_health(services, adapters),
                    metrics=services.metrics.registry,
                    api_token=_secret(settings.api_token) or None,
                )
            )
    return adapters


def _health(services: Services, adapters: list[Adapter]) -> HealthCheck:
    """Reads `adapters` at each request, so adapters added after this call are reported too."""
    return HealthCheck(services.store, adapters=adapters)


def _shard_ids(value: str | None) -> list[int] | None:
    """`0,1,2` or a range `0-3` (inclusive)."""
    if not value:
        return None
    ids: list[int] = []
    for part in value.split(","):
        first, _, last = part.strip().partition("-")
        try:
            ids += list(range(int(first), int(last or first) + 1))
        except ValueError:
            raise ConfigError(
                "DISCORD_SHARD_IDS is malformed: use numbers and ranges like 0-3,8"
            ) from None
    return ids


async def run_adapters(
    settings: Settings,
    names: Sequence[str],
    *,
    services: Services | None = None,
    stop: asyncio.Event | None = None,
) -> int:
    chosen = list(dict.fromkeys(names)) or configured_adapters(settings)
    check_adapter_settings(settings, chosen)
    _shard_ids(settings.discord_shard_ids)
    services = services or build(settings)
    adapters = build_adapters(services, chosen)
    services.adapters = adapters
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    web_app = web.Application()
    for adapter in adapters:
        adapter.mount(web_app)
    if "api" not in chosen:  # /healthz and /metrics are served whatever runs
        add_ops_routes(
            web_app, health=_health(services, adapters), metrics=services.metrics.registry
        )
    grace = settings.shutdown_grace.total_seconds()
    runner = web.AppRunner(web_app, shutdown_timeout=grace, handle_signals=False)
    await runner.setup()
    try:
        site = web.TCPSite(runner, settings.host, settings.port)
        await site.start()
        for backend in (services.engine.backend, *services.engine.backends.values()):
            refresh_index = getattr(backend, "refresh", None)
            if refresh_index is not None:  # build the corpus index before the first question
                await refresh_index()
        if not await services.store.ping():
            log.warning("Redis does not answer yet: answering without the shared cache")
        for adapter in adapters:
            await adapter.start()
        log.info("factbot is running: %s on %s:%s", ", ".join(chosen), settings.host, settings.port)
        await stop.wait()
        log.info("shutting down: no new questions; finishing answers under way (%.0f s)", grace)
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
        for adapter in adapters:
            await adapter.drain()
        finished = await services.desk.tasks.drain(grace)
        if not finished:
            log.warning("shutdown deadline passed with answers still under way")
        for adapter in adapters:
            try:
                await adapter.aclose()
            except Exception:
                log.warning("closing %s failed", adapter.name, exc_info=True)
        await runner.cleanup()
        await services.aclose()
    log.info("factbot stopped")
    return 0


async def sync_discord_commands(settings: Settings, *, guild_id: int | None) -> int:
    check_adapter_settings(settings, ["discord"])
    from adapters.discord import sync_commands

    names = await sync_commands(
        _secret(settings.discord_token), guild_id=guild_id, api_url=settings.discord_api_url
    )
    where = f"guild {guild_id}" if guild_id else "every guild (global commands)"
    print(f"synced {len(names)} commands to {where}: {', '.join(names)}")
    return 0
