"""Answers run after the platform is acknowledged; this keeps those tasks and lets shutdown wait."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Coroutine
from typing import Any

log = logging.getLogger(__name__)

# How long an answer cancelled at shutdown may spend telling its asker (drain waits a second).
CANCELLED_REPLY_SECONDS = 0.8


async def last_words(saying: Awaitable[None]) -> None:
    """What an answer cancelled at shutdown says before it ends ("restarting…", in place of
    the report), within CANCELLED_REPLY_SECONDS; never raises. Call it from the
    `except asyncio.CancelledError` that then re-raises."""
    with contextlib.suppress(Exception, asyncio.CancelledError):
        await asyncio.wait_for(saying, CANCELLED_REPLY_SECONDS)


class BackgroundTasks:
    """Spawns tasks, keeps a reference until they end, logs their failures, and drains."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, coro: Coroutine[Any, Any, Any], *, name: str = "answer") -> asyncio.Task[Any]:
        task = asyncio.create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background task %s failed", task.get_name(), exc_info=task.exception())

    def __len__(self) -> int:
        return len(self._tasks)

    async def drain(self, grace: float) -> bool:
        """Wait up to `grace` seconds for running tasks; cancel the rest. True if all finished."""
        if not self._tasks:
            return True
        _, pending = await asyncio.wait(set(self._tasks), timeout=grace)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending, timeout=1)
        return not pending
