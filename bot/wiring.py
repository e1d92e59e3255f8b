"""Builds factbot from settings: the one place that decides which store, backend and adapters run.

`build()` connects nothing; `Services.aclose()` closes what it built. Tests
pass substitutes (a store on their own namespace, a backend of their own).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from adapters.desk import QuestionDesk
from answers import (
    AnswerEngine,
    EventDedupe,
    FeedbackStore,
    MemoryStore,
    RateLimiter,
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
    return RedisStore(connect_redis(settings.redis_url), namespace=settings.namespace)


def build_backend(settings: Settings, store: Store) -> Backend:
    if settings.backend == "research":
        from bot.research_wiring import build_research_backend

        return build_research_backend(settings, store)
    from answers.corpus import CorpusBackend

    return CorpusBackend(settings.corpus, index_path=settings.corpus_index)


def build(
    settings: Settings, *, store: Store | None = None, backend: Backend | None = None
) -> Services:
    store = store if store is not None else build_store(settings)
    backend = backend if backend is not None else build_backend(settings, store)
    engine = AnswerEngine(
        backend, store, freshness=settings.freshness, retention=settings.retention
    )
    desk = QuestionDesk(
        engine=engine,
        limiter=RateLimiter(store, per_window=settings.rate_limit_per_minute),
        dedupe=EventDedupe(store),
        feedback=FeedbackStore(store, retention=settings.retention),
    )
    metrics = FactbotMetrics()
    metrics.watch(desk)
    return Services(settings=settings, store=store, engine=engine, desk=desk, metrics=metrics)
