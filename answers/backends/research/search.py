"""Web search providers behind one interface, and merging their results into a reading list.

    SearchProvider   search(query) -> [SearchResult]; aclose()
    ├── SearxngSearch   GET {SEARXNG_URL}/search?q=…&format=json (the instance must enable json)
    └── BraveSearch     GET {BRAVE_API_URL}?q=…  with the X-Subscription-Token header

`pick_pages` merges the results of several queries: canonical-URL dedupe, at
most two pages per site, about nine pages in all, best ranks first.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

import aiohttp
from yarl import URL

__all__ = [
    "BraveSearch",
    "SearchFailed",
    "SearchProvider",
    "SearchResult",
    "SearxngSearch",
    "canonical_url",
    "pick_pages",
    "search_all",
    "site_of",
]

log = logging.getLogger(__name__)

DEFAULT_SEARCH_TIMEOUT = 8.0
RESULTS_PER_QUERY = 10
MAX_PAGES = 9
MAX_PAGES_PER_SITE = 2
_TRACKING_PARAMS = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "ref_src", "igshid")
_USER_AGENT = "factbot/0.1 (+https://github.com/factbot; fact-check research)"


class SearchFailed(Exception):
    """The provider could not be searched (down, refused, or answered something unreadable)."""


@dataclass(frozen=True)
class SearchResult:
    url: str
    title: str
    snippet: str = ""
    published: date | None = None
    rank: int = 0  # 0-based position in its own result list


class SearchProvider(Protocol):
    @property
    def name(self) -> str: ...

    async def search(self, query: str) -> list[SearchResult]: ...

    async def aclose(self) -> None: ...


class _JsonClient:
    """One lazily opened session per provider (created inside the running loop)."""

    def __init__(self, *, timeout: float) -> None:
        self.timeout = timeout
        self._session: aiohttp.ClientSession | None = None

    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.timeout),
                headers={"User-Agent": _USER_AGENT, "Accept": "application/json"},
            )
        return self._session

    async def get_json(
        self, url: str, *, params: dict[str, str], headers: dict[str, str], provider: str
    ) -> Any:
        try:
            async with self.session().get(url, params=params, headers=headers) as response:
                if response.status != 200:
                    hint = (
                        " (is the json format enabled in settings.yml?)"
                        if provider == "SearxNG" and response.status == 403
                        else ""
                    )
                    raise SearchFailed(f"{provider} answered HTTP {response.status}{hint}")
                return await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise SearchFailed(f"{provider} could not be searched: {type(exc).__name__}") from exc

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()


def _date(value: object) -> date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def _text(value: object) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


class SearxngSearch:
    """A SearxNG instance's JSON API (self-hosted; `search.formats` must include json)."""

    def __init__(
        self, base_url: str, *, timeout: float = DEFAULT_SEARCH_TIMEOUT, language: str = "all"
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.language = language
        self._client = _JsonClient(timeout=timeout)

    @property
    def name(self) -> str:
        return "searxng"

    async def search(self, query: str) -> list[SearchResult]:
        data = await self._client.get_json(
            f"{self.base_url}/search",
            params={"q": query, "format": "json", "language": self.language, "safesearch": "1"},
            headers={},
            provider="SearxNG",
        )
        results = data.get("results") if isinstance(data, dict) else None
        if not isinstance(results, list):
            raise SearchFailed("SearxNG answered without a results list")
        return _results(results[:RESULTS_PER_QUERY], snippet="content", published="publishedDate")

    async def aclose(self) -> None:
        await self._client.aclose()


class BraveSearch:
    """The Brave Search API (web results)."""

    def __init__(
        self,
        api_key: str,
        *,
        api_url: str,
        timeout: float = DEFAULT_SEARCH_TIMEOUT,
    ) -> None:
        self._api_key = api_key  # sent as a header only; never logged
        self.api_url = api_url
        self._client = _JsonClient(timeout=timeout)

    @property
    def name(self) -> str:
        return "brave"

    def __repr__(self) -> str:
        return f"BraveSearch(api_url={self.api_url!r})"

    async def search(self, query: str) -> list[SearchResult]:
        data = await self._client.get_json(
            self.api_url,
            params={"q": query, "count": str(RESULTS_PER_QUERY), "result_filter": "web"},
            headers={"X-Subscription-Token": self._api_key},
            provider="Brave",
        )
        web = data.get("web") if isinstance(data, dict) else None
        results = web.get("results") if isinstance(web, dict) else []
        items = results if isinstance(results, list) else []
        return _results(items, snippet="description", published="page_age")

    async def aclose(self) -> None:
        await self._client.aclose()


async def search_all(provider: SearchProvider, queries: Sequence[str]) -> list[list[SearchResult]]:
    """Run the queries together; a failed query is logged and skipped unless all fail."""
    outcomes = await asyncio.gather(*(provider.search(q) for q in queries), return_exceptions=True)
    lists: list[list[SearchResult]] = []
    errors: list[BaseException] = []
    for query, outcome in zip(queries, outcomes, strict=True):
        if isinstance(outcome, BaseException):
            if not isinstance(outcome, Exception):
                raise outcome
            log.warning("search for %r failed: %s", query[:80], outcome)
            errors.append(outcome)
        else:
            lists.append(outcome)
    if errors and not lists:
        raise SearchFailed(str(errors[0])) from errors[0]
    return lists


def canonical_url(url: str) -> str:
    """One spelling per page: lower-case host, no www., fragment, tracking params or trailing /."""
    try:
        parsed = URL(url)
    except ValueError:
        return url
    host = (parsed.host or "").lower().removeprefix("www.")
    query = [(k, v) for k, v in parsed.query.items() if not k.lower().startswith(_TRACKING_PARAMS)]
    path = parsed.path.rstrip("/") or "/"
    port = "" if parsed.is_default_port() else f":{parsed.port}"
    scheme = "https" if parsed.scheme in ("http", "https") else parsed.scheme
    text = f"{scheme}://{host}{port}{path}"
    if query:
        text += "?" + "&".join(f"{k}={v}" for k, v in sorted(query))
    return text


def site_of(url: str) -> str:
    """The site a page belongs to, for the per-site cap (the host without www.)."""
    try:
        return (URL(url).host or "").lower().removeprefix("www.")
    except ValueError:
        return ""


def pick_pages(
    result_lists: Sequence[Sequence[SearchResult]],
    *,
    max_pages: int = MAX_PAGES,
    per_site: int = MAX_PAGES_PER_SITE,
) -> list[SearchResult]:
    """Interleave the lists by rank, drop repeats by canonical URL, cap per site and in all."""
    picked: list[SearchResult] = []
    seen: set[str] = set()
    per_site_count: dict[str, int] = {}
    depth = max((len(lst) for lst in result_lists), default=0)
    for rank in range(depth):
        for results in result_lists:
            if rank >= len(results) or len(picked) >= max_pages:
                continue
            result = results[rank]
            key = canonical_url(result.url)
            site = site_of(result.url)
            if key in seen or not site or per_site_count.get(site, 0) >= per_site:
                continue
            seen.add(key)
            per_site_count[site] = per_site_count.get(site, 0) + 1
            picked.append(result)
    return picked


def _results(items: list[Any], *, snippet: str, published: str) -> list[SearchResult]:
    """A provider's result objects as `SearchResult`s; entries without a URL are skipped."""
    found: list[SearchResult] = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            continue
        found.append(
            SearchResult(
                url=item["url"],
                title=_text(item.get("title")) or item["url"],
                snippet=_text(item.get(snippet)),
                published=_date(item.get(published)),
                rank=len(found),
            )
        )
    return found
