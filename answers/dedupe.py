"""Dropping an event a platform delivers again: the one owner of `seen:` keys."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from answers.memory_store import MemoryStore
from answers.store import Store, StoreUnavailable

log = logging.getLogger(__name__)

SEEN_TTL_SECONDS = 3600.0  # Slack retries for minutes, Discord replays within a session


def seen_key(platform: str, event_id: str) -> str:
    return f"seen:{platform}:{event_id}"


@dataclass
class EventDedupe:
    """`first_time` is True once per (platform, event id), across every process sharing the store.

    With the shared store unreachable it falls back to this process's memory,
    so a retry arriving at the same process is still dropped.
    """

    store: Store
    ttl: float = SEEN_TTL_SECONDS
    _local: MemoryStore = field(default_factory=lambda: MemoryStore(max_entries=50_000))

    async def first_time(self, platform: str, event_id: str) -> bool:
        key = seen_key(platform, event_id)
        try:
            return await self.store.set(key, b"1", ttl=self.ttl, only_new=True)
        except StoreUnavailable:
            return await self._local.set(key, b"1", ttl=self.ttl, only_new=True)

    async def first_times(self, platform: str, *event_ids: str) -> list[bool]:
        """`first_time` for several ids of one event (its own id, its message's), in one round
        trip to the store."""
        keys = [seen_key(platform, event_id) for event_id in event_ids]
        try:
            return await self.store.set_new(keys, b"1", ttl=self.ttl)
        except StoreUnavailable:
            return await self._local.set_new(keys, b"1", ttl=self.ttl)
