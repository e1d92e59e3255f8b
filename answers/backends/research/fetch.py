"""The safe page fetcher: budgets, caps and the SSRF guard on every hop.

For each page: the URL is checked (`FetchGuard.check_url`), the request goes
out with redirects off, every `Location` is checked the same way before it
is followed (at most `max_redirects` hops), and the connector's resolver
refuses non-public addresses at connect time. Only HTML and plain text are
read, the body is capped while it streams, and the page has `page_timeout`
seconds in all, its text extraction included. Extraction runs in a pool of
worker processes (`answers.workers`): a page whose parsing runs past
`extract_timeout` (or its page budget) has its worker killed, and a parser
crash costs that page only. `fetch_all` gives the whole batch `total`
seconds: research goes on with the pages that arrived.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import aiohttp
from aiohttp.abc import AbstractResolver
from yarl import URL

from answers.backends.research.guard import BlockedAddress, FetchGuard, GuardedResolver
from answers.backends.research.pages import Page
from answers.backends.research.reading import UnreadablePage, is_challenge, read_page
from answers.backends.research.search import SearchResult
from answers.ingest.decode import decode
from answers.workers import WorkerCrashed, WorkerPool, WorkerTimedOut

__all__ = ["DEFAULT_EXTRACT_WORKERS", "FetchBudget", "FetchOutcome", "PageFetcher", "decode_body"]

log = logging.getLogger(__name__)

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain"})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_CHUNK_BYTES = 64 * 1024
DEFAULT_EXTRACT_WORKERS = 2
# Address space for one extraction worker: a page that needs more fails alone (MemoryError).
EXTRACT_MEMORY_BYTES = 1024 * 1024 * 1024
_HEADERS = {
    "User-Agent": "Mozilla/5.0 (compatible; factbot/0.1; fact-check research)",
    "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9",
    "Accept-Language": "en;q=1.0, *;q=0.5",
}


@dataclass(frozen=True)
class FetchBudget:
    page_timeout: float = 5.0  # one page, all hops and the body
    total: float = 8.0  # the whole batch
    connect_timeout: float = 3.0
    concurrency: int = 16  # pages in flight across every question this process researches
    max_bytes: int = 2_000_000
    max_redirects: int = 5
    extract_timeout: float = 3.0  # one page's text extraction, inside its page_timeout


@dataclass(frozen=True)
class FetchOutcome:
    """A search result and the page read from it, or why there is none."""

    result: SearchResult
    page: Page | None = None
    reason: str = ""

    @property
    def is_read(self) -> bool:
        return self.page is not None


def decode_body(data: bytes, charset: str | None) -> str:
    """A page's text: `answers.ingest.decode` (byte-order mark, the header's charset
    second-guessed, UTF-8, the page's <meta charset>, cp1252)."""
    return decode(data, charset, is_html=True)


OnFetched = Callable[[FetchOutcome], Awaitable[None]]


@dataclass(frozen=True)
class FetchedBody:
    final_url: str
    content_type: str
    data: bytes
    charset: str | None


def read_body(result: SearchResult, body: FetchedBody) -> Page:
    """A downloaded body as a `Page` (`reading.read_page`): raises `UnreadablePage`. CPU-bound
    and run in a worker process (so it is a top-level function of plain, picklable values)."""
    return read_page(
        body.data,
        url=result.url,
        final_url=body.final_url,
        content_type=body.content_type,
        charset=body.charset,
        fallback_title=result.title,
        fallback_published=result.published,
    )


_WARM_UP_HTML = (
    b"<html><head><title>Warm-up</title></head><body><article><h1>Warm-up</h1>"
    + b"".join(
        # Enough text that the main-content judge (trafilatura) runs too, not only the walk.
        b"<p>A paragraph of plain text, long enough to count as main text.</p>"
        for _ in range(16)
    )
    + b"</article></body></html>"
)


def warm_up() -> None:
    """One extraction in the worker's fork server, so every worker starts with the parser's lazy
    set-up done rather than doing it inside a page's budget."""
    with contextlib.suppress(UnreadablePage):
        read_body(
            SearchResult("https://warm-up.invalid/", "Warm-up"),
            FetchedBody("https://warm-up.invalid/", "text/html", _WARM_UP_HTML, "utf-8"),
        )


class PageFetcher:
    """Reads search results' pages; owns its guarded aiohttp session and its extraction workers
    (close both with `aclose`)."""

    def __init__(
        self,
        *,
        guard: FetchGuard | None = None,
        budget: FetchBudget | None = None,
        resolver: AbstractResolver | None = None,
        extract_workers: int = DEFAULT_EXTRACT_WORKERS,
    ) -> None:
        self.guard = guard or FetchGuard()
        self.budget = budget or FetchBudget()
        self._inner_resolver = resolver  # the name lookup the guard wraps (tests pass a fake)
        self._session: aiohttp.ClientSession | None = None
        self._slots: asyncio.Semaphore | None = None
        self.extractor = WorkerPool(
            extract_workers,
            deadline=self.budget.extract_timeout,
            preload=["answers.backends.research.fetch:warm_up"],
            memory_limit=EXTRACT_MEMORY_BYTES,
            name="page-extraction",
        )

    def _open(self) -> tuple[aiohttp.ClientSession, asyncio.Semaphore]:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                resolver=GuardedResolver(self.guard, self._inner_resolver),
                limit=self.budget.concurrency,
                ttl_dns_cache=60,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                headers=_HEADERS,
                cookie_jar=aiohttp.DummyCookieJar(),
                trust_env=False,  # a proxy would connect on our behalf, past the resolver check
                timeout=aiohttp.ClientTimeout(
                    total=self.budget.page_timeout, sock_connect=self.budget.connect_timeout
                ),
            )
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.budget.concurrency)
        return self._session, self._slots

    async def fetch_all(
        self, results: Sequence[SearchResult], *, on_fetched: OnFetched | None = None
    ) -> list[FetchOutcome]:
        """Read every result's page within the batch budget, in the order given."""

        async def one(result: SearchResult) -> FetchOutcome:
            outcome = await self.fetch(result)
            if on_fetched is not None:
                await on_fetched(outcome)
            return outcome

        tasks = [asyncio.create_task(one(r)) for r in results]
        if not tasks:
            return []
        _, pending = await asyncio.wait(tasks, timeout=self.budget.total)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        outcomes = []
        for result, task in zip(results, tasks, strict=True):
            if task in pending or task.cancelled():
                outcomes.append(FetchOutcome(result, reason="over the fetch budget"))
            else:
                outcomes.append(task.result())
        return outcomes

    async def fetch(self, result: SearchResult) -> FetchOutcome:
        """One page, within `page_timeout`; never raises for a page that cannot be read."""
        session, slots = self._open()
        await self.extractor.started()  # once per process, and outside any page's budget
        async with slots:
            try:
                async with asyncio.timeout(self.budget.page_timeout):
                    body = await self._download(session, URL(result.url))
                    page = await self._extract(result, body)
            except BlockedAddress as exc:
                return self._skipped(result, f"blocked: {exc}")
            except aiohttp.ClientConnectorError as exc:
                if isinstance(exc.os_error, BlockedAddress):
                    return self._skipped(result, f"blocked: {exc.os_error}")
                return self._skipped(result, f"connection failed: {type(exc.os_error).__name__}")
            except UnreadablePage as exc:
                return self._skipped(result, str(exc))
            except (TimeoutError, WorkerTimedOut):
                return self._skipped(result, "too slow")
            except (aiohttp.ClientError, ValueError, UnicodeError) as exc:
                return self._skipped(result, f"unreadable: {type(exc).__name__}")
        return FetchOutcome(result, page=page)

    async def _download(self, session: aiohttp.ClientSession, url: URL) -> FetchedBody:
        for _ in range(self.budget.max_redirects + 1):
            self.guard.check_url(url)
            async with session.get(url, allow_redirects=False) as response:
                if response.status in REDIRECT_STATUSES:
                    location = response.headers.get("Location")
                    if not location:
                        raise UnreadablePage(f"HTTP {response.status} without a Location")
                    url = url.join(URL(location))
                    continue
                if is_challenge("", response.headers):
                    raise UnreadablePage("a bot-challenge page")
                if response.status != 200:
                    raise UnreadablePage(f"HTTP {response.status}")
                content_type = response.content_type
                if content_type not in HTML_TYPES | TEXT_TYPES:
                    raise UnreadablePage(f"not HTML or text ({content_type})")
                length = response.content_length
                if length is not None and length > self.budget.max_bytes:
                    raise UnreadablePage(f"larger than {self.budget.max_bytes} bytes")
                data = await self._read_capped(response)
                return FetchedBody(str(url), content_type, data, response.charset)
        raise UnreadablePage(f"more than {self.budget.max_redirects} redirects")

    async def _read_capped(self, response: aiohttp.ClientResponse) -> bytes:
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.content.iter_chunked(_CHUNK_BYTES):
            size += len(chunk)
            if size > self.budget.max_bytes:
                raise UnreadablePage(f"larger than {self.budget.max_bytes} bytes")
            chunks.append(chunk)
        return b"".join(chunks)

    async def _extract(self, result: SearchResult, body: FetchedBody) -> Page:
        """The page's text, from a worker process; a parser failure or crash only skips the page."""
        try:
            return await self.extractor.run(read_body, result, body)
        except (UnreadablePage, WorkerTimedOut):
            raise
        except WorkerCrashed as exc:
            log.warning("extracting %s crashed its worker: %s", result.url, exc)
            raise UnreadablePage("its text could not be extracted (the parser crashed)") from exc
        except Exception as exc:
            log.warning("could not extract %s", result.url, exc_info=True)
            raise UnreadablePage(f"extraction failed ({type(exc).__name__})") from exc

    @staticmethod
    def _skipped(result: SearchResult, reason: str) -> FetchOutcome:
        log.info("skipped %s: %s", result.url, reason)
        return FetchOutcome(result, reason=reason)

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
        await self.extractor.aclose()
