"""Progress events the engine reports while it researches, so adapters can show work is under way."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum

log = logging.getLogger(__name__)


class Stage(StrEnum):
    WAITING = "waiting"  # another process or task is researching the same question
    SEARCHING = "searching"
    READING = "reading"
    WRITING = "writing"
    DONE = "done"


@dataclass(frozen=True)
class Progress:
    stage: Stage
    done: int = 0
    total: int = 0
    note: str = ""

    def describe(self) -> str:
        """A short human line, e.g. 'Reading sources (3 of 9)…'."""
        label = {
            Stage.WAITING: "Someone asked this a moment ago; waiting for that answer",
            Stage.SEARCHING: "Searching",
            Stage.READING: "Reading sources",
            Stage.WRITING: "Writing the report",
            Stage.DONE: "Done",
        }[self.stage]
        if self.total:
            label += f" ({self.done} of {self.total})"
        if self.note:
            label += f": {self.note}"
        return label if self.stage is Stage.DONE else label + "…"


ProgressCallback = Callable[[Progress], Awaitable[None]]


async def report(callback: ProgressCallback | None, event: Progress) -> None:
    """Call the callback; a failing callback never breaks the research."""
    if callback is None:
        return
    try:
        await callback(event)
    except Exception:
        log.warning("progress callback failed at stage %s", event.stage, exc_info=True)
