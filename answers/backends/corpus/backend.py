"""`CorpusBackend`: answers from a folder of documents, offline, with the extractive writer.

research = bring the index up to date → BM25 search → the extractive writer.
Its `cache_namespace` is a fingerprint of the documents' content, so editing,
adding or removing a document makes cached answers about the old content
unreachable. The engine reads the namespace synchronously before each
question; to keep that cheap the folder is looked at (one `stat` per file)
at most once per `recheck_interval` seconds, and only a change there costs
more (re-reading the changed files).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from answers.backends.corpus.index import CorpusIndex, CorpusIndexReport
from answers.evidence import Passage
from answers.model import Draft, EngineInfo
from answers.progress import Progress, ProgressCallback, Stage, report
from answers.ranking import Query
from answers.writers.extractive import write_extractive

__all__ = ["ENGINE", "CorpusBackend", "index_corpus"]

log = logging.getLogger(__name__)

ENGINE = EngineInfo(backend="corpus", writer="extractive", version="2")
SEARCH_PASSAGES = 30  # the best-matching passages handed to the writer
OVERVIEW_PASSAGES = 24  # opening passages of the documents, for follow-ups and "not covered"
RECHECK_SECONDS = 1.0


@dataclass(frozen=True)
class _Found:
    passages: list[Passage]
    query: Query
    weights: dict[str, float]
    documents: int
    matching_documents: int
    skipped: int


class CorpusBackend:
    """The offline backend; see the module docstring. Construct it anywhere: it touches
    nothing until first used."""

    def __init__(
        self,
        folder: Path,
        *,
        index_path: Path | None = None,
        recheck_interval: float = RECHECK_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.folder = folder
        self.index = CorpusIndex(folder, index_path=index_path)
        self.recheck_interval = recheck_interval
        self._clock = clock
        self._report: CorpusIndexReport | None = None
        self._checked_at = 0.0
        self._guard = threading.Lock()

    @property
    def cache_namespace(self) -> str:
        """`corpus:<fingerprint of the documents' content>`."""
        now = self._clock()
        if self._report is None or now - self._checked_at >= self.recheck_interval:
            # Another thread syncing right now will leave a fresh report; keep the last one.
            if self._guard.acquire(blocking=self._report is None):
                try:
                    self._checked_at = now
                    self._sync_if_changed()
                finally:
                    self._guard.release()
        assert self._report is not None
        return f"corpus:{self._report.fingerprint[:16]}"

    def _sync_if_changed(self) -> CorpusIndexReport:
        if self._report is None or not self.index.is_current():
            self._report = self.index.sync()
        return self._report

    async def refresh(self) -> CorpusIndexReport:
        """Bring the index up to date now (e.g. at start-up, off the event loop)."""
        return await asyncio.to_thread(self._locked_sync)

    def _locked_sync(self) -> CorpusIndexReport:
        with self._guard:
            return self._sync_if_changed()

    async def research(
        self,
        question: str,
        *,
        progress: ProgressCallback | None,
        extra_terms: Sequence[str] = (),
    ) -> Draft:
        await report(progress, Progress(Stage.SEARCHING))
        found = await asyncio.to_thread(self._find, question, tuple(extra_terms))
        await report(
            progress,
            Progress(
                Stage.READING,
                done=found.matching_documents,
                total=found.matching_documents,
                note=f"{found.documents} documents searched",
            ),
        )
        await report(progress, Progress(Stage.WRITING))
        return await asyncio.to_thread(
            write_extractive,
            question,
            found.passages,
            engine=ENGINE,
            documents_searched=found.documents,
            notes=_skipped_note(found.skipped),
            query=found.query,
            weights=found.weights,
        )

    def _find(self, question: str, extra_terms: tuple[str, ...]) -> _Found:
        state = self._locked_sync()
        found = self.index.search(question, limit=SEARCH_PASSAGES, extra_terms=extra_terms)
        matches = found.passages
        seen = {p.evidence_id for p in matches}
        overview = [
            p for p in self.index.overview(limit=OVERVIEW_PASSAGES) if p.evidence_id not in seen
        ]
        passages = [
            replace(p, evidence_id=f"E{n}") for n, p in enumerate([*matches, *overview], start=1)
        ]
        return _Found(
            passages=passages,
            query=found.query,
            weights=found.weights,
            documents=state.documents,
            matching_documents=len({p.source.url for p in matches}),
            skipped=len(state.skipped),
        )

    async def aclose(self) -> None:
        await asyncio.to_thread(self.index.close)


def _skipped_note(skipped: int) -> tuple[str, ...]:
    """A limitation when files of the corpus were left out (too large, unreadable)."""
    if not skipped:
        return ()
    if skipped == 1:
        return ("1 file in the corpus could not be read and was left out.",)
    return (f"{skipped} files in the corpus could not be read and were left out.",)


def index_corpus(folder: Path, *, index_path: Path | None = None) -> CorpusIndexReport:
    """Build or update the index of `folder` and say what it holds (`factbot index PATH`).
    Blocking: call it from a thread in async code."""
    index = CorpusIndex(folder, index_path=index_path)
    try:
        return index.sync()
    finally:
        index.close()
