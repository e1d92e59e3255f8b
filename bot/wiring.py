"""Builds factbot from settings: the one place that decides which store, backend and adapters run.

`build()` connects nothing; `Services.aclose()` closes what it built. Tests
pass substitutes (a store on their own namespace, a backend of their own).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pydantic import SecretStr

from adapters.desk import QuestionDesk
from answers import (
    AnswerEngine,
    MemoryStore,
    RedisStore,
    Store,
    connect_redis,
)
from answers.backends.base import Backend
from bot.config import Settings
from bot.metrics import FactbotMetrics

if TYPE_CHECKING:
    from adapters.base import Adapter

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    store: Store
    engine: AnswerEngine
    desk: QuestionDesk
    metrics: FactbotMetrics
    adapters: list[Adapter] = field(default_factory=list)

    async def aclose(self) -> None:
        await self.engine.aclose()
        await self.store.aclose()


def build_store(settings: Settings) -> Store:
    if settings.redis_url is None:
        return MemoryStore()
    client = connect_redis(settings.redis_url, pool_size=settings.redis_pool_size)
    return RedisStore(client, namespace=settings.namespace)


def build_backend(settings: Settings, store: Store) -> Backend:
    if settings.backend == "research":
        return build_research_backend(settings, store)
    return build_corpus_backend(settings)


def build_corpus_backend(settings: Settings) -> Backend:
    from answers.backends.corpus import CorpusBackend

    return CorpusBackend(settings.corpus, index_path=settings.corpus_index)


def build_backends(settings: Settings, store: Store, default: Backend) -> dict[str, Backend]:
    """The backends a channel may choose, by name: both when both are configured (a search
    provider for research, a corpus folder for the corpus), else none beside the default."""
    named = {settings.backend: default}
    if settings.backend == "corpus" and settings.is_research_configured:
        named["research"] = build_research_backend(settings, store)
    elif settings.backend == "research" and settings.is_corpus_chosen:
        named["corpus"] = build_corpus_backend(settings)
    return named if len(named) > 1 else {}


def _secret(value: SecretStr | None) -> str | None:
    return value.get_secret_value() if value is not None else None


def build_research_backend(settings: Settings, store: Store) -> Backend:
    """Search provider, page fetcher and LLM writer from settings (validated: what the chosen
    provider needs is set)."""
    from answers.backends.research import (
        BraveSearch,
        FetchBudget,
        FetchGuard,
        PageFetcher,
        ResearchBackend,
        SearchProvider,
        SearxngSearch,
    )
    from answers.backends.research.llm import LLMWriter

    search: SearchProvider
    if settings.search_provider == "brave":
        search = BraveSearch(_secret(settings.brave_api_key) or "", api_url=settings.brave_api_url)
    else:
        search = SearxngSearch(settings.searxng_url or "")
    writer = None
    if settings.llm_base_url:
        writer = LLMWriter(
            settings.llm_base_url,
            model=settings.llm_model,
            api_key=_secret(settings.llm_api_key),
            timeout=settings.llm_timeout.total_seconds(),
            max_retries=settings.llm_max_retries,
            max_tokens=settings.llm_max_tokens,
        )
    fetcher = PageFetcher(
        guard=FetchGuard.allowing(settings.fetch_allow_host_list),
        budget=FetchBudget(extract_timeout=settings.extract_deadline.total_seconds()),
        extract_workers=settings.extract_workers,
    )
    return ResearchBackend(
        search,
        fetcher,
        writer,
        store=store,
        page_ttl=settings.page_ttl.total_seconds(),
        plan_with_llm=settings.llm_plan_queries,
    )


def build(
    settings: Settings, *, store: Store | None = None, backend: Backend | None = None
) -> Services:
    store = store if store is not None else build_store(settings)
    backends: dict[str, Backend] = {}
    if backend is None:
        backend = build_backend(settings, store)
        backends = build_backends(settings, store, backend)
    engine = AnswerEngine(
        backend,
        store,
        freshness=settings.freshness,
        retention=settings.retention,
        backends=backends,
        research_deadline=settings.research_deadline.total_seconds(),
    )
    desk = QuestionDesk.over(
        engine,
        store,
        per_minute=settings.rate_limit_per_minute,
        retention=settings.retention,
        channel_per_minute=settings.channel_rate_limit_per_minute,
        settings_cache_ttl=settings.settings_cache_ttl.total_seconds(),
    )
    metrics = FactbotMetrics()
    metrics.watch(desk)
    return Services(settings=settings, store=store, engine=engine, desk=desk, metrics=metrics)
