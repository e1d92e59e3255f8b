"""Small in-test backends: stand-ins for the outside research a real backend does."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field

from answers import Draft, DraftClaim, DraftSection, DraftSource, EngineInfo, Progress, Stage
from answers.progress import ProgressCallback, report


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


@dataclass
class ScriptedBackend:
    """Counts research runs; optionally waits on a gate, sleeps, or fails."""

    delay: float = 0.0
    fail_times: int = 0
    gate: asyncio.Event | None = None
    runs: int = 0
    questions: list[str] = field(default_factory=list)
    extra_terms: list[tuple[str, ...]] = field(default_factory=list)  # per run
    cache_namespace: str = "scripted"

    async def research(
        self,
        question: str,
        *,
        progress: ProgressCallback | None,
        extra_terms: Sequence[str] = (),
    ) -> Draft:
        self.runs += 1
        self.questions.append(question)
        self.extra_terms.append(tuple(extra_terms))
        await report(progress, Progress(Stage.SEARCHING))
        if self.gate is not None:
            await self.gate.wait()
        if self.delay:
            await asyncio.sleep(self.delay)
        await report(progress, Progress(Stage.READING, done=2, total=2))
        if self.fail_times > 0:
            self.fail_times -= 1
            raise RuntimeError("search provider exploded")
        await report(progress, Progress(Stage.WRITING))
        return draft_for(question)

    async def aclose(self) -> None:
        return None
