"""`MemoryStore`: factbot's shared state kept in this process, when there is no Redis.

It speaks the `answers.store.Store` interface with the same TTL semantics,
bounded to `max_entries` (the least recently used go first). Nothing is
shared with other processes (`is_shared` is False).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Sequence

__all__ = ["MemoryStore"]


class MemoryStore:
    """A bounded in-process store with the same TTL semantics (least recently used evicted)."""

    def __init__(
        self, *, max_entries: int = 10_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_entries = max_entries
        self._clock = clock
        self._data: OrderedDict[str, tuple[float, bytes | int | dict[str, str]]] = OrderedDict()

    @property
    def is_shared(self) -> bool:
        return False

    def _live(self, key: str) -> bytes | int | dict[str, str] | None:
        item = self._data.get(key)
        if item is None:
            return None
        expires, value = item
        if expires <= self._clock():
            del self._data[key]
            return None
        self._data.move_to_end(key)
        return value

    def _put(self, key: str, value: bytes | int | dict[str, str], ttl: float) -> None:
        self._data[key] = (self._clock() + ttl, value)
        self._data.move_to_end(key)
        while len(self._data) > self.max_entries:
            self._data.popitem(last=False)

    async def get(self, key: str) -> bytes | None:
        value = self._live(key)
        return value if isinstance(value, bytes) else None

    async def get_via(self, key: str, *, prefix: str) -> tuple[bytes, bytes | None] | None:
        target = await self.get(key)
        if not target:
            return None
        return target, await self.get(prefix + target.decode())

    async def set(self, key: str, value: bytes, *, ttl: float, only_new: bool = False) -> bool:
        if only_new and self._live(key) is not None:
            return False
        self._put(key, value, ttl)
        return True

    async def set_new(self, keys: Sequence[str], value: bytes, *, ttl: float) -> list[bool]:
        return [await self.set(key, value, ttl=ttl, only_new=True) for key in keys]

    async def delete(self, key: str, *, if_value: bytes | None = None) -> bool:
        current = self._live(key)
        if current is None or (if_value is not None and current != if_value):
            return False
        del self._data[key]
        return True

    async def extend(self, key: str, *, ttl: float, if_value: bytes) -> bool:
        if self._live(key) != if_value:
            return False
        self._put(key, if_value, ttl)
        return True

    async def incr(self, key: str, *, ttl: float) -> int:
        current = self._live(key)
        if isinstance(current, int):
            expires = self._data[key][0]
            self._data[key] = (expires, current + 1)
            return current + 1
        self._put(key, 1, ttl)
        return 1

    async def hset(self, key: str, field: str, value: str, *, ttl: float) -> None:
        current = self._live(key)
        mapping = dict(current) if isinstance(current, dict) else {}
        mapping[field] = value
        self._put(key, mapping, ttl)

    async def hgetall(self, key: str) -> dict[str, str]:
        current = self._live(key)
        return dict(current) if isinstance(current, dict) else {}

    async def ping(self) -> bool:
        return True

    async def aclose(self) -> None:
        self._data.clear()
