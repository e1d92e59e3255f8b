"""The web research backend (`FACTBOT_BACKEND=research`), step by step:

    plan queries → search → pick pages → read pages (cache, then the safe fetcher)
    → rank passages into evidence → write (LLM, verified) → or quote (extractive)

The LLM writer gets at most two tries (the second is a repair that is told
what failed); when it fails twice, or its endpoint is down, slow or unset, the
extractive writer builds the report from the same evidence, and the report's
`engine.writer` says which writer made it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from answers.backends.research.fetch import FetchOutcome, PageFetcher
from answers.backends.research.llm import LLMBadOutput, LLMError, LLMUnavailable, LLMWriter
from answers.backends.research.pages import DEFAULT_PAGE_TTL, Page, PageCache
from answers.backends.research.passages import (
    MAX_EVIDENCE,
    PER_SOURCE,
    select_evidence,
    with_page_acronyms,
)
from answers.backends.research.queries import MAX_QUERIES, plan_queries
from answers.backends.research.search import (
    MAX_PAGES,
    SearchProvider,
    SearchResult,
    pick_pages,
    search_all,
)
from answers.backends.research.verify import verify_report
from answers.evidence import Passage
from answers.model import Draft, DraftSource, EngineInfo
from answers.progress import Progress, ProgressCallback, Stage, report
from answers.ranking.question import Query, analyse_question
from answers.store import Store
from answers.writers.extractive import write_extractive

__all__ = ["BACKEND_VERSION", "ResearchBackend"]

# How long an extractive stand-in for a failed LLM answer is served before trying the LLM again.
FALLBACK_FRESHNESS = timedelta(minutes=15)
# Pages were found but none could be read: often passing trouble (slow sites, a parser killed
# past its deadline), so the report saying so is served only briefly.
UNREAD_FRESHNESS = timedelta(minutes=1)

log = logging.getLogger(__name__)

BACKEND_NAME = "research"
BACKEND_VERSION = "1"
MAX_LLM_ATTEMPTS = 2


@dataclass(frozen=True)
class _Reading:
    """What the read step found: pages with their sources, and why the others were skipped."""

    pages: list[tuple[Page, DraftSource]]
    skipped: list[FetchOutcome]


class ResearchBackend:
    """Researches on the web; owns its search, fetcher and writer sessions (`aclose`)."""

    def __init__(
        self,
        search: SearchProvider,
        fetcher: PageFetcher,
        writer: LLMWriter | None,
        *,
        store: Store,
        page_ttl: float = DEFAULT_PAGE_TTL,
        max_queries: int = MAX_QUERIES,
        max_pages: int = MAX_PAGES,
        max_evidence: int = MAX_EVIDENCE,
        per_source: int = PER_SOURCE,
        plan_with_llm: bool = False,
        today: date | None = None,
    ) -> None:
        self.search = search
        self.fetcher = fetcher
        self.writer = writer
        self.pages = PageCache(store, ttl=page_ttl)
        self.max_queries = max_queries
        self.max_pages = max_pages
        self.max_evidence = max_evidence
        self.per_source = per_source
        self.plan_with_llm = plan_with_llm
        self._today = today

    @property
    def cache_namespace(self) -> str:
        model = self.writer.model if self.writer is not None else "extractive"
        return f"{BACKEND_NAME}:v{BACKEND_VERSION}:{self.search.name}:{model}"

    def engine_for(self, writer: Literal["llm", "extractive"]) -> EngineInfo:
        name = f"llm:{self.writer.model}" if writer == "llm" and self.writer else "extractive"
        return EngineInfo(backend=BACKEND_NAME, writer=name, version=BACKEND_VERSION)

    async def prepare(self) -> None:
        """Start the page-extraction workers (sessions open on first use)."""
        await self.fetcher.extractor.started()

    async def research(
        self,
        question: str,
        *,
        progress: ProgressCallback | None,
        extra_terms: Sequence[str] = (),
    ) -> Draft:
        # Evidence is ranked on the question's own terms, a follow-up's context words joining
        # at lower weight (`answers.ranking`).
        query = analyse_question(question, context=[" ".join(extra_terms)] if extra_terms else ())
        if extra_terms:  # a follow-up's context words: searched and shown to the writer
            question = f"{question} ({' '.join(extra_terms)})"
        queries, is_llm_down = await self._plan(question)
        await report(
            progress, Progress(Stage.SEARCHING, 0, len(queries), f"{len(queries)} queries")
        )
        result_lists = await search_all(self.search, queries)
        picked = pick_pages(result_lists, max_pages=self.max_pages)
        await report(
            progress,
            Progress(Stage.SEARCHING, len(queries), len(queries), f"{len(picked)} pages found"),
        )
        reading = await self._read(picked, progress)
        # Chunking and ranking every page read is CPU work: off the event loop.
        query, evidence = await asyncio.to_thread(self._evidence, query, reading.pages)
        skipped = _skipped_note(len(picked), reading)
        await report(
            progress,
            Progress(
                Stage.WRITING,
                note=f"{len(evidence)} passages from {len(reading.pages)} pages",
            ),
        )
        notes = [_reach_note(len(queries), len(reading.pages)), *skipped]
        draft = None
        if not is_llm_down:
            draft = await self._write_with_llm(question, evidence, reading, notes)
        if draft is not None:
            return draft
        fallback = await asyncio.to_thread(
            write_extractive,
            question,
            evidence,
            engine=self.engine_for("extractive"),
            documents_searched=len(reading.pages),
            notes=skipped,  # the extractive writer states its own reach and absence lines
            query=query,
        )
        if picked and not reading.pages:
            fallback = dataclasses.replace(fallback, freshness=UNREAD_FRESHNESS)
        elif self.writer is not None:  # the LLM failed: serve this stand-in briefly, then retry
            fallback = dataclasses.replace(fallback, freshness=FALLBACK_FRESHNESS)
        return fallback

    async def aclose(self) -> None:
        closers = [self.search.aclose(), self.fetcher.aclose()]
        if self.writer is not None:
            closers.append(self.writer.aclose())
        await asyncio.gather(*closers, return_exceptions=True)

    # --- steps -------------------------------------------------------------------

    def _evidence(
        self, query: Query, pages: Sequence[tuple[Page, DraftSource]]
    ) -> tuple[Query, list[Passage]]:
        """The query widened by the acronyms the pages define, and the best passages for it."""
        query = with_page_acronyms(query, pages)
        evidence = select_evidence(
            query, pages, limit=self.max_evidence, per_source=self.per_source
        )
        return query, evidence

    async def _plan(self, question: str) -> tuple[list[str], bool]:
        """The queries, and whether the LLM was found down or hanging (so writing skips it)."""
        if self.plan_with_llm and self.writer is not None:
            try:
                planned = await self.writer.plan_queries(question, limit=self.max_queries)
            except LLMError as exc:
                log.warning(
                    "query planning by the LLM failed (%s); using the question's words", exc
                )
                is_down = isinstance(exc, LLMUnavailable) and not exc.is_retryable
                return plan_queries(question, limit=self.max_queries), is_down
            # The question itself first, trimmed as without an LLM (providers refuse long queries).
            asked = plan_queries(question, limit=1)
            return list(dict.fromkeys([*asked, *planned]))[: self.max_queries], False
        return plan_queries(question, limit=self.max_queries), False

    async def _read(
        self, picked: Sequence[SearchResult], progress: ProgressCallback | None
    ) -> _Reading:
        total = len(picked)
        done = 0

        async def tick(_: FetchOutcome | None = None) -> None:
            nonlocal done
            done += 1
            await report(progress, Progress(Stage.READING, done, total))

        await report(progress, Progress(Stage.READING, 0, total))
        cached = await asyncio.gather(*(self.pages.get(r.url) for r in picked))
        for page in cached:
            if page is not None:
                await tick()
        missing = [r for r, page in zip(picked, cached, strict=True) if page is None]
        fetched = {o.result.url: o for o in await self.fetcher.fetch_all(missing, on_fetched=tick)}
        pages: list[tuple[Page, DraftSource]] = []
        skipped: list[FetchOutcome] = []
        for result, page in zip(picked, cached, strict=True):
            if page is None:
                outcome = fetched[result.url]
                if outcome.page is None:
                    skipped.append(outcome)
                    continue
                page = outcome.page
                await self.pages.put(page)
            pages.append((page, _source(page, result)))
        return _Reading(pages, skipped)

    async def _write_with_llm(
        self, question: str, evidence: Sequence[Passage], reading: _Reading, notes: Sequence[str]
    ) -> Draft | None:
        """The verified LLM draft, or None when the extractive writer must take over."""
        if self.writer is None or not evidence:
            return None
        fetched_urls = [u for page, _ in reading.pages for u in (page.url, page.final_url)]
        today = self._today or datetime.now(UTC).date()
        repair: str | None = None
        previous: str | None = None
        fallback: Draft | None = None
        for attempt in range(1, MAX_LLM_ATTEMPTS + 1):
            try:
                written = await self.writer.write(
                    question, evidence, today=today, repair=repair, previous=previous
                )
            except LLMUnavailable as exc:  # the client has already retried what was worth it
                log.warning("LLM writer attempt %d: %s", attempt, exc)
                break
            except LLMBadOutput as exc:
                log.warning("LLM writer attempt %d: %s", attempt, exc)
                repair, previous = str(exc), exc.reply
                continue
            verification = verify_report(
                written.report,
                evidence,
                question=question,
                fetched_urls=fetched_urls,
                engine=self.engine_for("llm"),
                notes=notes,
            )
            if verification.problems:
                log.info(
                    "verifier dropped %d of %d sentences (attempt %d): %s",
                    verification.dropped,
                    verification.kept + verification.dropped,
                    attempt,
                    verification.describe_problems(),
                )
            if verification.draft is not None and not verification.needs_repair:
                return verification.draft
            fallback = verification.draft or fallback
            repair, previous = verification.describe_problems(), written.reply
        if fallback is not None:
            return fallback
        log.warning("the LLM writer gave no usable report; quoting the sources instead")
        return None


def _source(page: Page, result: SearchResult) -> DraftSource:
    return DraftSource(
        title=page.title or result.title,
        url=page.final_url,
        publisher=page.publisher,
        published=page.published or result.published,
        snippet=result.snippet or None,
    )


def _reach_note(queries: int, read: int) -> str:
    """How far the search reached, and that silence is not a verdict."""
    return (
        f"This report rests on {read} web page{'s' if read != 1 else ''} found by {queries} "
        f"search{'es' if queries != 1 else ''}; that these pages do not mention something is "
        "not evidence that it is false."
    )


def _skipped_note(found: int, reading: _Reading) -> list[str]:
    if not reading.skipped:
        return []
    return [
        f"{len(reading.skipped)} of the {found} pages found could not be read "
        "(unreachable, too slow, too large, blocked, or without enough text)."
    ]
