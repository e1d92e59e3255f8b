"""Search providers against fake SearxNG and Brave servers; merging results into a reading list."""

from __future__ import annotations

from datetime import date

import pytest

from answers.backends.research.queries import plan_queries
from answers.backends.research.search import (
    BraveSearch,
    SearchFailed,
    SearchResult,
    SearxngSearch,
    canonical_url,
    pick_pages,
    search_all,
)
from tests.answers.backends.research.fakes import (
    FakeBrave,
    FakeSearx,
    free_port,
    searx_result,
    serve,
)


async def test_searxng_reads_the_json_api() -> None:
    fake = FakeSearx(
        [
            searx_result("https://a.example/one", "One", "first  result", "2024-05-01T10:00:00"),
            searx_result("https://b.example/two", "", "second", None),
            {"title": "no url"},
        ]
    )
    async with serve(fake.app()) as base:
        provider = SearxngSearch(base + "/")
        try:
            results = await provider.search("green tea caffeine")
        finally:
            await provider.aclose()
    assert fake.queries == ["green tea caffeine"]
    assert results == [
        SearchResult("https://a.example/one", "One", "first result", date(2024, 5, 1), 0),
        SearchResult("https://b.example/two", "https://b.example/two", "second", None, 1),
    ]


async def test_searxng_without_the_json_format_says_how_to_fix_it() -> None:
    fake = FakeSearx([], status=403)
    async with serve(fake.app()) as base:
        provider = SearxngSearch(base)
        try:
            with pytest.raises(SearchFailed, match="json format"):
                await provider.search("tea")
        finally:
            await provider.aclose()


async def test_searxng_down_or_slow_is_a_search_failure() -> None:
    provider = SearxngSearch(f"http://127.0.0.1:{free_port()}")
    try:
        with pytest.raises(SearchFailed):
            await provider.search("tea")
    finally:
        await provider.aclose()
    slow = FakeSearx([], delay=1.0)
    async with serve(slow.app()) as base:
        provider = SearxngSearch(base, timeout=0.2)
        try:
            with pytest.raises(SearchFailed):
                await provider.search("tea")
        finally:
            await provider.aclose()


async def test_brave_sends_the_key_as_a_header_and_reads_web_results() -> None:
    fake = FakeBrave(
        [
            {
                "title": "Tea",
                "url": "https://tea.example/",
                "description": "About tea",
                "page_age": "2023-02-03T00:00:00",
            },
            {"title": "Coffee", "url": "https://coffee.example/", "description": "About coffee"},
        ]
    )
    async with serve(fake.app()) as base:
        provider = BraveSearch("brave-secret-key", api_url=base + "/res/v1/web/search")
        try:
            results = await provider.search("tea")
        finally:
            await provider.aclose()
    assert fake.tokens == ["brave-secret-key"]
    assert [(r.url, r.snippet, r.published) for r in results] == [
        ("https://tea.example/", "About tea", date(2023, 2, 3)),
        ("https://coffee.example/", "About coffee", None),
    ]
    assert "brave-secret-key" not in repr(provider)


async def test_brave_with_a_wrong_key_fails_without_showing_the_key() -> None:
    fake = FakeBrave([])
    async with serve(fake.app()) as base:
        provider = BraveSearch("wrong-key", api_url=base + "/res/v1/web/search")
        try:
            with pytest.raises(SearchFailed) as caught:
                await provider.search("tea")
        finally:
            await provider.aclose()
    assert "401" in str(caught.value)
    assert "wrong-key" not in str(caught.value)


async def test_search_all_goes_on_when_one_query_fails() -> None:
    class Flaky:
        name = "flaky"

        async def search(self, query: str) -> list[SearchResult]:
            if query == "bad":
                raise SearchFailed("down")
            return [SearchResult(f"https://x.example/{query}", query)]

        async def aclose(self) -> None:
            return None

    lists = await search_all(Flaky(), ["good", "bad"])
    assert [[r.url for r in lst] for lst in lists] == [["https://x.example/good"]]
    with pytest.raises(SearchFailed):
        await search_all(Flaky(), ["bad"])


def test_canonical_url_merges_spellings_of_one_page() -> None:
    spellings = [
        "https://www.Example.com/news/story/",
        "http://example.com/news/story",
        "https://example.com:443/news/story?utm_source=x&utm_medium=y#comments",
        "https://example.com/news/story?fbclid=abc",
    ]
    assert len({canonical_url(u) for u in spellings}) == 1
    assert canonical_url("https://example.com/a?id=2") != canonical_url(
        "https://example.com/a?id=3"
    )


def test_pick_pages_interleaves_dedupes_and_caps_per_site() -> None:
    first = [SearchResult(f"https://big.example/{i}", f"big {i}") for i in range(5)]
    second = [
        SearchResult("https://www.big.example/0/", "big again"),
        *(SearchResult(f"https://site{i}.example/", f"site {i}") for i in range(12)),
    ]
    picked = pick_pages([first, second], max_pages=9, per_site=2)
    urls = [r.url for r in picked]
    assert len(urls) == 9
    assert urls[:3] == ["https://big.example/0", "https://big.example/1", "https://site0.example/"]
    assert sum("big.example" in u for u in urls) == 2


def test_plan_queries_gives_the_question_and_distinct_variants() -> None:
    queries = plan_queries("Are Putin and Trump close friends?")
    assert queries[0] == "Are Putin and Trump close friends?"
    assert queries[1] == "Putin Trump close friends"
    assert queries[2].endswith("fact check")
    assert len(queries) == 3
    assert plan_queries("why?") == ["why?"]
