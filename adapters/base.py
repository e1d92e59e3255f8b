"""What `bot` needs from every adapter to run several in one process."""

from __future__ import annotations

from typing import Protocol

from aiohttp import web


class PlatformUnavailable(Exception):
    """A platform cannot be reached, or refuses factbot's credentials, when an adapter starts
    (or `discord sync` runs): the message is one line for the person running factbot."""

    def __init__(self, platform: str, problem: str) -> None:
        super().__init__(f"{platform} {problem}")
        self.platform = platform


class Adapter(Protocol):
    """One platform's connection. `bot.wiring.lifespan` mounts, starts, drains and closes each one."""

    name: str

    def mount(self, app: web.Application) -> None:
        """Add this adapter's HTTP routes (if any) to the shared aiohttp server."""
        ...

    async def start(self) -> None:
        """Connect (Socket Mode, the Discord gateway...). Returns once connected or running;
        raises `PlatformUnavailable` when the platform cannot be reached or refuses the token."""
        ...

    async def drain(self) -> None:
        """Stop taking new questions; answers already under way go on."""
        ...

    async def aclose(self) -> None:
        """Close connections. Called after in-flight answers finished or the deadline passed."""
        ...

    def is_healthy(self) -> bool:
        """Whether the platform connection is up (for /healthz)."""
        ...
