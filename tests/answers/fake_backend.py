"""The one fake backend of the test suite: a stand-in for the outside research a real backend does.

`ScriptedBackend` writes `write(question)` (by default `draft_for`, a small
valid report quoting the question) and can be told to wait on a gate, to
fail, or to run a hook first; it records what it was asked. Tests that need
other report content pass their own `write`.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from answers import Draft, DraftClaim, DraftSection, DraftSource, EngineInfo, Progress, Stage
from answers.progress import ProgressCallback, report

POLL_SECONDS = 0.005


async def eventually(
    condition: Callable[[], bool], *, poke: Callable[[], Awaitable[None]] | None = None
) -> None:
    """Until `condition()` holds: `poke` (if given), then let the loop run a moment. The
    test's timeout bounds the wait; nothing here guesses how long ordering takes."""
    while not condition():
        if poke is not None:
            await poke()
        await asyncio.sleep(POLL_SECONDS)


def draft_for(question: str, *, version: str = "1") -> Draft:
    """A small valid draft whose text quotes the question (so answers differ per question)."""
    sources = (
        DraftSource(title="First source", url="https://example.org/one", publisher="Example"),
        DraftSource(title="Second source", url="https://example.org/two", publisher="Example"),
    )
    return Draft(
        summary=(DraftClaim(f"Evidence about {question}.", (0,)),),
        sections=tuple(
            DraftSection(f"What source {i % 2 + 1} shows", (DraftClaim(f"Point {i}.", (i % 2,)),))
            for i in range(3)
        ),
        limitations=(DraftClaim("Two sources only."),),
        sources=sources,
        follow_ups=("What next?", "Why so?", "Since when?"),
        engine=EngineInfo(backend="scripted", writer="test", version=version),
    )


def uncovered_draft(question: str) -> Draft:
    """The honest "not covered" report: no sources, no sections."""
    return Draft(
        summary=(DraftClaim("The sources do not cover this question."),),
        sections=(),
        limitations=(),
        sources=(),
        follow_ups=("A?", "B?", "C?"),
        engine=EngineInfo(backend="scripted", writer="test", version="1"),
    )


Hook = Callable[[str], Awaitable[None] | None]


@dataclass
class ScriptedBackend:
    """Writes `write(question)` after reporting progress. Before writing it runs `hook`, waits
    for `gate` (setting `entered` first) and sleeps `delay`; it fails the next `fail_times`
    runs, every run while `is_failing`, and any question containing `fail_on`."""

    write: Callable[[str], Draft] = draft_for
    gate: asyncio.Event | None = None
    delay: float = 0.0
    hook: Hook | None = None
    fail_times: int = 0
    is_failing: bool = False
    fail_on: str | None = None
    cache_namespace: str = "scripted"
    # what happened
    runs: int = 0
    questions: list[str] = field(default_factory=list)
    extra_terms: list[tuple[str, ...]] = field(default_factory=list)  # per run
    entered: asyncio.Event = field(default_factory=asyncio.Event)
    reporting: ProgressCallback | None = None  # the running research's progress callback
    lifecycle: list[str] = field(default_factory=list)  # "prepare backend", "close backend"

    async def prepare(self) -> None:
        self.lifecycle.append("prepare backend")

    async def research(
        self,
        question: str,
        *,
        progress: ProgressCallback | None,
        extra_terms: Sequence[str] = (),
    ) -> Draft:
        if self.hook is not None:
            called = self.hook(question)
            if inspect.isawaitable(called):
                await called
        self.runs += 1
        self.questions.append(question)
        self.extra_terms.append(tuple(extra_terms))
        self.reporting = progress
        await report(progress, Progress(Stage.SEARCHING))
        self.entered.set()
        if self.gate is not None:
            await self.gate.wait()
        if self.delay:
            await asyncio.sleep(self.delay)
        await report(progress, Progress(Stage.READING, done=2, total=2))
        if self.fail_times > 0 or self.is_failing or (self.fail_on and self.fail_on in question):
            self.fail_times = max(0, self.fail_times - 1)
            raise RuntimeError("the search provider is down")
        await report(progress, Progress(Stage.WRITING))
        return self.write(question)

    async def announce(self, event: Progress) -> None:
        """Report `event` from the research under way: every asker who joined it hears it."""
        await report(self.reporting, event)

    async def aclose(self) -> None:
        self.lifecycle.append("close backend")
