"""Web research: search providers, the safe page fetcher, evidence, and the research backend.

Build it from its parts: `ResearchBackend(search, fetcher, writer, store=...)`
(`bot.wiring` does, from settings).
"""

from answers.backends.research.backend import ResearchBackend
from answers.backends.research.fetch import FetchBudget, FetchOutcome, PageFetcher
from answers.backends.research.guard import (
    BlockedAddress,
    FetchGuard,
    GuardedResolver,
    is_public_address,
)
from answers.backends.research.search import (
    BraveSearch,
    SearchFailed,
    SearchProvider,
    SearchResult,
    SearxngSearch,
)

__all__ = [
    "BlockedAddress",
    "BraveSearch",
    "FetchBudget",
    "FetchGuard",
    "FetchOutcome",
    "GuardedResolver",
    "PageFetcher",
    "ResearchBackend",
    "SearchFailed",
    "SearchProvider",
    "SearchResult",
    "SearxngSearch",
    "is_public_address",
]
