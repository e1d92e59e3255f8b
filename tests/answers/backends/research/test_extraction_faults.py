"""Page extraction in worker processes, against the fake web on 127.0.0.1: a page slow to parse
stays inside its budget, a worker killed mid-extraction costs that page only, and pages that
yield no text are never served as a report for the normal freshness."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from answers import AnswerEngine
from answers.backends.research import (
    FetchBudget,
    FetchGuard,
    PageFetcher,
    ResearchBackend,
    SearxngSearch,
)
from answers.backends.research.search import SearchResult
from answers.cache import question_key
from answers.question import normalise_question, question_hash
from answers.store import RedisStore
from tests.answers.backends.research.fakes import (
    FakeSearx,
    FakeWeb,
    FixedResolver,
    running_web,
    searx_result,
    serve,
)


@pytest.fixture
async def web() -> AsyncIterator[FakeWeb]:
    async with running_web() as fake:
        yield fake


def fetcher_with(budget: FetchBudget) -> PageFetcher:
    return PageFetcher(guard=FetchGuard.allowing(["127.0.0.1"]), budget=budget)


async def test_a_page_slow_to_parse_is_cut_off_inside_its_budget(web: FakeWeb) -> None:
    fetcher = fetcher_with(FetchBudget(page_timeout=3.0, total=5.0, extract_timeout=1.0))
    await fetcher.extractor.started()
    try:
        results = [
            SearchResult(web.url("/slow-to-parse"), "Crowded"),
            SearchResult(web.url("/tea-basics"), "Tea"),
        ]
        batch = asyncio.create_task(fetcher.fetch_all(results))
        # Meanwhile the bot stays responsive, and so does the default executor (DNS lookups).
        await asyncio.sleep(0.3)
        started = time.monotonic()
        await asyncio.gather(*(asyncio.to_thread(time.sleep, 0) for _ in range(16)))
        assert time.monotonic() - started < 0.3
        began = time.monotonic()
        slow, tea = await batch
        assert time.monotonic() - began < 2.0  # the parse alone takes many seconds
    finally:
        await fetcher.aclose()
    assert slow.page is None and slow.reason == "too slow"
    assert tea.page is not None  # the other page was read as usual


async def test_the_page_budget_bounds_extraction_too(web: FakeWeb) -> None:
    fetcher = fetcher_with(FetchBudget(page_timeout=0.8, total=5.0, extract_timeout=30.0))
    try:
        started = time.monotonic()
        outcome = await fetcher.fetch(SearchResult(web.url("/slow-to-parse"), "Crowded"))
        assert time.monotonic() - started < 1.8
        assert outcome.reason == "too slow"
        again = await fetcher.fetch(SearchResult(web.url("/tea-basics"), "Tea"))
        assert again.page is not None  # the killed worker was replaced
    finally:
        await fetcher.aclose()


async def test_a_worker_killed_mid_extraction_costs_that_page_only(web: FakeWeb) -> None:
    fetcher = fetcher_with(FetchBudget(page_timeout=20.0, total=30.0, extract_timeout=20.0))
    await fetcher.extractor.started()
    try:
        slow = asyncio.create_task(
            fetcher.fetch(SearchResult(web.url("/slow-to-parse"), "Crowded"))
        )
        tea = asyncio.create_task(fetcher.fetch(SearchResult(web.url("/tea-basics"), "Tea")))
        assert (await tea).page is not None
        await asyncio.sleep(0.5)  # the other worker is deep in the slow page now
        started = time.monotonic()
        for pid in fetcher.extractor.pids():
            os.kill(pid, signal.SIGSEGV)  # as a crash in the C parser would
        outcome = await asyncio.wait_for(slow, 5)
        assert time.monotonic() - started < 2
        assert outcome.page is None
        assert "crashed" in outcome.reason
        after = await fetcher.fetch(SearchResult(web.url("/tea-health"), "Tea health"))
        assert after.page is not None  # the pool replaced what died
    finally:
        await fetcher.aclose()


async def test_pages_that_yield_no_text_are_not_served_for_the_normal_freshness(
    web: FakeWeb, redis_store: RedisStore, redis_client: aioredis.Redis, namespace: str
) -> None:
    searx = FakeSearx(
        [
            searx_result(web.url("/thin"), "Too thin"),
            searx_result(web.url("/slow-to-parse"), "Crowded"),
        ]
    )
    async with serve(searx.app()) as searx_url:
        backend = ResearchBackend(
            SearxngSearch(searx_url),
            PageFetcher(
                guard=FetchGuard.allowing(["127.0.0.1"]),
                budget=FetchBudget(page_timeout=2.0, total=3.0, extract_timeout=0.5),
                resolver=FixedResolver({}),
            ),
            None,
            store=redis_store,
        )
        engine = AnswerEngine(backend, redis_store)
        try:
            question = "Is anything on these pages readable?"
            answer = await engine.ask(question)
        finally:
            await engine.aclose()
    assert not answer.sources
    assert any("2 of the 2 pages" in claim.text for claim in answer.limitations)
    qhash = question_hash(normalise_question(question), namespace=backend.cache_namespace)
    ttl = await redis_client.ttl(namespace + question_key(qhash))
    assert 0 < ttl <= 60  # asked again a minute later, the pages are tried again
