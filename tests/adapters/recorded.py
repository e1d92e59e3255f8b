"""Waiting for what a platform fake recorded: woken at each record, never by polling."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

WAIT_SECONDS = 5.0


class Recorded:
    """A fake calls `changed()` after recording anything; a test awaits `until(predicate)`."""

    def __init__(self) -> None:
        self._condition = asyncio.Condition()

    async def changed(self) -> None:
        async with self._condition:
            self._condition.notify_all()

    async def until(
        self,
        predicate: Callable[[], T | None],
        *,
        failure: Callable[[], str],
        seconds: float = WAIT_SECONDS,
    ) -> T:
        """`predicate()` once it is truthy (checked now and after each record); raises
        `AssertionError(failure())` after `seconds`."""
        try:
            async with asyncio.timeout(seconds), self._condition:
                value = await self._condition.wait_for(predicate)
        except TimeoutError:
            raise AssertionError(failure()) from None
        assert value is not None  # wait_for returns only a truthy value
        return value
