"""`CorpusBackend`: answers from a folder of documents, offline, with the extractive writer.

research = BM25 search of the index → the extractive writer.

Its `cache_namespace` is a fingerprint of the documents' content, so editing,
adding or removing a document makes cached answers about the old content
unreachable. Reading it costs nothing: the fingerprint comes from the last
sync, and nothing touches the disk on the event loop. A background task
(started by the first async use) looks at the folder every
`recheck_interval` seconds (one `stat` per file) in a thread of its own and
re-indexes what changed there, on its own database connection, while
questions keep being answered from the index as it was; the fingerprint
changes when the new index is committed. A sync that fails (the index file
held by `factbot index`, a full disk) is logged and tried again later; the
old index keeps serving.

Each document is parsed in a worker process with a deadline
(`parse_timeout`) and a memory cap, and documents over `max_document_bytes`
are left out, so one pathological file costs a bounded amount and is listed
as left out, never a stalled bot.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from answers.backends.corpus.documents import Chunk, Document
from answers.backends.corpus.index import MAX_FILE_BYTES, CorpusIndex, parse_document
from answers.backends.corpus.report import CorpusIndexReport, IndexProgressCallback
from answers.evidence import Passage
from answers.model import Draft, EngineInfo
from answers.progress import Progress, ProgressCallback, Stage, report
from answers.ranking.question import Query
from answers.workers import WorkerPool
from answers.writers.extractive import write_extractive

__all__ = ["ENGINE", "CorpusBackend", "IsolatedParser", "index_corpus"]

log = logging.getLogger(__name__)

ENGINE = EngineInfo(backend="corpus", writer="extractive", version="2")
SEARCH_PASSAGES = 30  # the best-matching passages handed to the writer
OVERVIEW_PASSAGES = 24  # opening passages of the documents, for follow-ups and "not covered"
RECHECK_SECONDS = 1.0
DEFAULT_PARSE_TIMEOUT = 10.0  # one document; past it the document is left out
DEFAULT_MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
PARSE_MEMORY_BYTES = 1024 * 1024 * 1024  # one parsing worker's address space


@dataclass(frozen=True)
class _Found:
    passages: list[Passage]
    query: Query
    weights: dict[str, float]
    documents: int
    matching_documents: int
    skipped: int


class IsolatedParser:
    """`parse_document` in a worker process with a deadline and a memory cap: what the index
    calls per changed file. The worker starts on first use and again after `close`."""

    def __init__(self, timeout: float = DEFAULT_PARSE_TIMEOUT) -> None:
        self.timeout = timeout
        self._pool: WorkerPool | None = None
        self._lock = threading.Lock()

    def __call__(self, path: str, raw: bytes, folder_name: str) -> tuple[Document, list[Chunk]]:
        with self._lock:
            if self._pool is None:
                self._pool = WorkerPool(
                    1,
                    deadline=self.timeout,
                    preload=["answers.backends.corpus.index"],
                    memory_limit=PARSE_MEMORY_BYTES,
                    name="corpus-parsing",
                )
            pool = self._pool
        return pool.call(parse_document, path, raw, folder_name)

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()


class CorpusBackend:
    """The offline backend; see the module docstring. Construct it anywhere: it touches
    nothing until first used."""

    def __init__(
        self,
        folder: Path,
        *,
        index_path: Path | None = None,
        recheck_interval: float = RECHECK_SECONDS,
        parse_timeout: float = DEFAULT_PARSE_TIMEOUT,
        max_document_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES,
    ) -> None:
        self.folder = folder
        self.recheck_interval = recheck_interval
        self._parser = IsolatedParser(parse_timeout)
        # Two connections to one index file: questions read through `index` while `_writer`
        # syncs; SQLite's WAL lets readers see the last committed index meanwhile.
        self.index = CorpusIndex(folder, index_path=index_path)
        self._writer = CorpusIndex(
            folder,
            index_path=index_path,
            parse=self._parser,
            max_file_bytes=min(max_document_bytes, MAX_FILE_BYTES),
        )
        self._report: CorpusIndexReport | None = None
        self._sync_lock = threading.Lock()
        self._indexer: ThreadPoolExecutor | None = None
        self._watcher: asyncio.Task[None] | None = None

    @property
    def cache_namespace(self) -> str:
        """`corpus:<fingerprint of the documents' content>`, as of the last sync."""
        if self._report is None:
            # Before the first sync only (`factbot run` does it off the loop at start-up).
            self._sync_if_changed()
        self._watch_in_background()
        assert self._report is not None
        return f"corpus:{self._report.fingerprint[:16]}"

    async def ready(self) -> None:
        """Wait (off the event loop) for the first index; at once afterwards. The engine calls
        it before reading `cache_namespace`, so a question arriving while the start-up index is
        built never blocks the loop."""
        if self._report is None:
            await self.refresh()

    @property
    def last_report(self) -> CorpusIndexReport | None:
        return self._report

    async def prepare(self) -> None:
        """Build or update the index before the first question."""
        await self.refresh()

    async def refresh(self) -> CorpusIndexReport:
        """Bring the index up to date now, off the event loop (start-up, tests)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._indexing_thread(), self._sync_if_changed)

    def _indexing_thread(self) -> ThreadPoolExecutor:
        if self._indexer is None:
            self._indexer = ThreadPoolExecutor(1, thread_name_prefix="factbot-corpus-index")
        return self._indexer

    def _watch_in_background(self) -> None:
        if self._watcher is not None and not self._watcher.done():
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # not in async code: `refresh()` is the way to sync
        self._watcher = loop.create_task(self._watch(), name="corpus-watch")

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(max(self.recheck_interval, 0.05))
            try:
                await self.refresh()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning(
                    "could not update the corpus index of %s (%s); answering from it as it was",
                    self.folder,
                    exc,
                )

    def _sync_if_changed(self) -> CorpusIndexReport:
        """Blocking: sync when the folder changed since the last sync (one `stat` per file)."""
        with self._sync_lock:
            if self._report is None or not self._writer.is_current():
                before = self._report
                self._report = self._writer.sync()
                if self._writer.is_in_memory:  # no file to share: read what the writer holds
                    self.index = self._writer
                if before is not None and self._report.fingerprint != before.fingerprint:
                    log.info(
                        "corpus index of %s updated: %d documents",
                        self.folder,
                        self._report.documents,
                    )
            return self._report

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
        state = self._report or self._sync_if_changed()
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
        """Stop watching and close the index; a later question opens it again."""
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher
            self._watcher = None
        await asyncio.to_thread(self._close)

    def _close(self) -> None:
        with self._sync_lock:
            self.index.close()
            self._writer.close()
            self._report = None  # an index kept in memory is gone: sync again on next use
            self._parser.close()
            if self._indexer is not None:
                self._indexer.shutdown(wait=False)
                self._indexer = None


def _skipped_note(skipped: int) -> tuple[str, ...]:
    """A limitation when files of the corpus were left out (too large, unreadable)."""
    if not skipped:
        return ()
    if skipped == 1:
        return ("1 file in the corpus could not be read and was left out.",)
    return (f"{skipped} files in the corpus could not be read and were left out.",)


def index_corpus(
    folder: Path,
    *,
    index_path: Path | None = None,
    progress: IndexProgressCallback | None = None,
) -> CorpusIndexReport:
    """Build or update the index of `folder` and say what it holds (`factbot index PATH`);
    `progress` hears about every file. Blocking: call it from a thread in async code."""
    parser = IsolatedParser()
    index = CorpusIndex(
        folder, index_path=index_path, parse=parser, max_file_bytes=DEFAULT_MAX_DOCUMENT_BYTES
    )
    try:
        return index.sync(progress)
    finally:
        index.close()
        parser.close()
