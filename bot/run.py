"""`factbot run`: several adapters in one process, one engine, one Redis pool, one HTTP server.

On SIGTERM or SIGINT it stops taking new questions, lets answers under way
finish until FACTBOT_SHUTDOWN_GRACE, closes every connection and exits 0
(`bot.wiring.lifespan` does each step; a second signal during the wait
interrupts it).
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Sequence

from bot.config import Settings, secret_text
from bot.wiring import Services, build, lifespan

__all__ = ["run", "run_adapters", "sync_discord_commands"]

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


async def run_adapters(
    settings: Settings, names: Sequence[str], *, stop: asyncio.Event | None = None
) -> int:
    """Run the named adapters (all that are set up when none is named) until `stop` is set."""
    services = build(settings, adapters=settings.adapters_to_run(names))
    return await run(services, stop=stop)


async def run(services: Services, *, stop: asyncio.Event | None = None) -> int:
    """Run built services until `stop` is set or a stop signal arrives; 0 once all is closed."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in STOP_SIGNALS:  # from the start: a signal while indexing stops once started
        loop.add_signal_handler(sig, stop.set)
    try:
        async with lifespan(services):
            await stop.wait()
            _default_signals(loop)  # a second signal interrupts the shutdown wait
    finally:
        _default_signals(loop)
    return 0


def _default_signals(loop: asyncio.AbstractEventLoop) -> None:
    for sig in STOP_SIGNALS:
        loop.remove_signal_handler(sig)


async def sync_discord_commands(settings: Settings, *, guild_id: int | None) -> int:
    settings.adapters_to_run(["discord"])  # the token is set
    from adapters.discord import sync_commands

    token = secret_text(settings.discord_token) or ""
    names = await sync_commands(token, guild_id=guild_id, api_url=settings.discord_api_url)
    where = f"guild {guild_id}" if guild_id else "every guild (global commands)"
    print(f"synced {len(names)} commands to {where}: {', '.join(names)}")
    return 0
