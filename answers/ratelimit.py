"""Per-person question limits: the one owner of `rate:` keys."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from answers.errors import RateLimited
from answers.memory_store import MemoryStore
from answers.store import Store, StoreUnavailable

DEFAULT_PER_MINUTE = 10
WINDOW_SECONDS = 60.0


def rate_key(platform: str, user: str, window: int) -> str:
    return f"rate:{platform}:{user}:{window}"


@dataclass
class RateLimiter:
    """At most `per_window` questions per person per fixed window (a minute by default).

    Shared through the store, so replicas enforce one limit; with the store
    unreachable each process counts on its own rather than refusing everyone.
    """

    store: Store
    per_window: int = DEFAULT_PER_MINUTE
    window: float = WINDOW_SECONDS
    clock: Callable[[], float] = time.time
    _local: MemoryStore = field(default_factory=lambda: MemoryStore(max_entries=50_000))

    async def check(self, platform: str, user: str) -> None:
        """Count one question; raises `RateLimited` past the limit."""
        if self.per_window <= 0:
            return
        now = self.clock()
        window = int(now // self.window)
        key = rate_key(platform, user, window)
        try:
            count = await self.store.incr(key, ttl=self.window * 2)
        except StoreUnavailable:
            count = await self._local.incr(key, ttl=self.window * 2)
        if count > self.per_window:
            raise RateLimited(retry_after=(window + 1) * self.window - now)
