"""The composition root: builds factbot from `Settings`, and runs it in one `lifespan`.

    services = build(settings, adapters=["slack", "api"])   # connects nothing
    async with lifespan(services):                            # opens, prepares, starts
        await stop.wait()                                     # ... drains and closes on exit

`build` makes the store, the backends (with their search and LLM clients), the
engine, the desk and the adapters, each from plain setting values; tests pass
substitutes (a store on their own namespace, a backend of their own).
`lifespan` serves the HTTP routes, prepares every backend (the corpus builds
its index), starts the adapters, and on the way out stops taking questions,
lets answers under way finish within `FACTBOT_SHUTDOWN_GRACE`, and closes
everything in the reverse order.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aiohttp import web

from adapters.base import Adapter
from adapters.desk import QuestionDesk
from adapters.http import (
    MAX_HEADER_BYTES,
    MAX_REQUEST_LINE_BYTES,
    HealthCheck,
    HttpApiAdapter,
    add_ops_routes,
    quiet_disconnects,
)
from answers import (
    AnswerEngine,
    MemoryStore,
    RedisStore,
    Store,
    connect_redis,
)
from answers.backends.base import Backend
from answers.standalone import StandaloneWriter
from bot.config import Settings, secret_text
from bot.metrics import FactbotMetrics

if TYPE_CHECKING:
    from answers.backends.research.llm import LLMWriter

__all__ = ["Services", "build", "lifespan"]

log = logging.getLogger(__name__)


@dataclass
class Services:
    """Everything `build` made; `lifespan` runs it, `aclose` closes what is not an adapter."""

    settings: Settings
    store: Store
    engine: AnswerEngine
    desk: QuestionDesk
    metrics: FactbotMetrics
    adapters: list[Adapter] = field(default_factory=list)
    llm: LLMWriter | None = None  # shared by the research backend and the follow-up rewriter

    @property
    def backends(self) -> list[Backend]:
        """Every backend the engine may use, the default first, each once."""
        unique = {id(b): b for b in (self.engine.backend, *self.engine.backends.values())}
        return list(unique.values())

    async def aclose(self) -> None:
        await self.engine.aclose()
        if self.llm is not None:
            await self.llm.aclose()
        await self.store.aclose()


def build(
    settings: Settings,
    *,
    adapters: Sequence[str] = (),
    store: Store | None = None,
    backend: Backend | None = None,
) -> Services:
    """Everything from settings; `adapters` names those to build (see `Settings.adapters_to_run`
    for choosing them). Connects nothing."""
    store = store if store is not None else build_store(settings)
    llm = build_llm_writer(settings)
    backends: dict[str, Backend] = {}
    if backend is None:
        backend = build_backend(settings, store, llm)
        backends = build_backends(settings, store, backend, llm)
    engine = AnswerEngine(
        backend,
        store,
        freshness=settings.freshness,
        retention=settings.retention,
        backends=backends,
        research_deadline=settings.research_deadline.total_seconds(),
        standalone=build_standalone(settings, llm),
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
    services = Services(
        settings=settings, store=store, engine=engine, desk=desk, metrics=metrics, llm=llm
    )
    services.adapters = build_adapters(services, adapters)
    return services


# --- the parts -------------------------------------------------------------------------


def build_store(settings: Settings) -> Store:
    if settings.redis_url is None:
        return MemoryStore()
    client = connect_redis(settings.redis_url, pool_size=settings.redis_pool_size)
    return RedisStore(client, namespace=settings.namespace)


def build_backend(settings: Settings, store: Store, llm: LLMWriter | None) -> Backend:
    if settings.backend == "research":
        return build_research_backend(settings, store, llm)
    return build_corpus_backend(settings)


def build_corpus_backend(settings: Settings) -> Backend:
    from answers.backends.corpus import CorpusBackend

    return CorpusBackend(settings.corpus, index_path=settings.corpus_index)


def build_backends(
    settings: Settings, store: Store, default: Backend, llm: LLMWriter | None
) -> dict[str, Backend]:
    """The backends a channel may choose, by name: both when both are configured (a search
    provider for research, a corpus folder for the corpus), else none beside the default."""
    named: dict[str, Backend] = {settings.backend: default}
    if settings.backend == "corpus" and settings.is_research_configured:
        named["research"] = build_research_backend(settings, store, llm)
    elif settings.backend == "research" and settings.is_corpus_chosen:
        named["corpus"] = build_corpus_backend(settings)
    return named if len(named) > 1 else {}


def build_llm_writer(settings: Settings) -> LLMWriter | None:
    """The LLM client, when `LLM_BASE_URL` names one."""
    if not settings.llm_base_url:
        return None
    from answers.backends.research.llm import LLMWriter

    return LLMWriter(
        settings.llm_base_url,
        model=settings.llm_model,
        api_key=secret_text(settings.llm_api_key),
        timeout=settings.llm_timeout.total_seconds(),
        max_retries=settings.llm_max_retries,
        max_tokens=settings.llm_max_tokens,
    )


def build_standalone(settings: Settings, llm: LLMWriter | None) -> StandaloneWriter | None:
    """With an LLM beside the research backend, follow-ups are rewritten by it; else None (the
    engine adds the earlier question's key words instead)."""
    if llm is None or not (settings.backend == "research" or settings.is_research_configured):
        return None
    from answers.backends.research.standalone import LLMStandalone

    return LLMStandalone(llm)


def build_research_backend(settings: Settings, store: Store, llm: LLMWriter | None) -> Backend:
    """Search provider and page fetcher from settings (validated: what the chosen provider needs
    is set), writing with `llm` when there is one."""
    from answers.backends.research import (
        BraveSearch,
        FetchBudget,
        FetchGuard,
        PageFetcher,
        ResearchBackend,
        SearchProvider,
        SearxngSearch,
    )

    search: SearchProvider
    if settings.search_provider == "brave":
        search = BraveSearch(
            secret_text(settings.brave_api_key) or "", api_url=settings.brave_api_url
        )
    else:
        search = SearxngSearch(settings.searxng_url or "")
    fetcher = PageFetcher(
        guard=FetchGuard.allowing(settings.fetch_allow_host_list),
        budget=FetchBudget(extract_timeout=settings.extract_deadline.total_seconds()),
        extract_workers=settings.extract_workers,
    )
    return ResearchBackend(
        search,
        fetcher,
        llm,
        store=store,
        page_ttl=settings.page_ttl.total_seconds(),
        plan_with_llm=settings.llm_plan_queries,
    )


def build_adapters(services: Services, names: Sequence[str]) -> list[Adapter]:
    """The named adapters, in order, over the services' desk."""
    settings = services.settings
    adapters: list[Adapter] = []
    for name in names:
        if name == "slack":
            from adapters.slack import SlackAdapter

            adapters.append(
                SlackAdapter(
                    services.desk,
                    bot_token=secret_text(settings.slack_bot_token) or "",
                    app_token=secret_text(settings.slack_app_token),
                    signing_secret=secret_text(settings.slack_signing_secret),
                    api_url=settings.slack_api_url,
                    sections=settings.slack_sections,
                    reaction=settings.slack_reaction_emoji,
                )
            )
        elif name == "discord":
            from adapters.discord import DiscordAdapter

            adapters.append(
                DiscordAdapter(
                    services.desk,
                    token=secret_text(settings.discord_token) or "",
                    api_url=settings.discord_api_url,
                    shard_ids=settings.discord_shards,
                    shard_count=settings.discord_shard_count,
                    message_content=settings.discord_message_content,
                    reaction=settings.discord_reaction_emoji,
                )
            )
        elif name == "api":
            adapters.append(
                HttpApiAdapter(
                    services.desk,
                    health=_health(services, adapters),
                    metrics=services.metrics.registry,
                    api_token=secret_text(settings.api_token),
                )
            )
        else:
            raise ValueError(f"no adapter named {name!r}")
    return adapters


def _health(services: Services, adapters: list[Adapter]) -> HealthCheck:
    """Reads `adapters` at each request, so adapters added after this call are reported too."""
    return HealthCheck(services.store, adapters=adapters)


# --- running -------------------------------------------------------------------------


@asynccontextmanager
async def lifespan(services: Services) -> AsyncIterator[Services]:
    """Serve, prepare the backends, start the adapters; on exit stop them and close everything,
    in the reverse order (whatever failed on the way in)."""
    settings = services.settings
    async with AsyncExitStack() as stack:
        stack.push_async_callback(services.aclose)
        server = await _serve(services)
        stack.push_async_callback(server.cleanup)
        for backend in services.backends:  # the corpus index, before the first question
            await backend.prepare()
        if not await services.store.ping():
            log.warning("Redis does not answer yet: answering without the shared cache")
        stack.push_async_callback(_stop_adapters, services)
        for adapter in services.adapters:
            await adapter.start()
        names = ", ".join(a.name for a in services.adapters)
        log.info("factbot is running: %s on %s:%s", names, settings.host, settings.port)
        # What start-up built lives as long as the process: out of the collector's way, so
        # collections during a burst of questions walk only what the questions made.
        gc.freeze()
        yield services
    log.info("factbot stopped")


async def _serve(services: Services) -> web.AppRunner:
    """The one HTTP server: each adapter's routes, and /healthz and /metrics whatever runs."""
    app = web.Application(middlewares=[quiet_disconnects])
    for adapter in services.adapters:
        adapter.mount(app)
    if not any(isinstance(a, HttpApiAdapter) for a in services.adapters):
        health = _health(services, services.adapters)
        add_ops_routes(app, health=health, metrics=services.metrics.registry)
    grace = services.settings.shutdown_grace.total_seconds()
    runner = web.AppRunner(
        app,
        shutdown_timeout=grace,
        handle_signals=False,
        max_line_size=MAX_REQUEST_LINE_BYTES,
        max_field_size=MAX_HEADER_BYTES,
    )
    await runner.setup()
    try:
        await web.TCPSite(runner, services.settings.host, services.settings.port).start()
    except BaseException:
        await runner.cleanup()
        raise
    return runner


async def _stop_adapters(services: Services) -> None:
    """No new questions; answers under way finish within the grace; then each adapter closes."""
    grace = services.settings.shutdown_grace.total_seconds()
    log.info("shutting down: no new questions; finishing answers under way (%.0f s)", grace)
    for adapter in services.adapters:
        await adapter.drain()
    if not await services.desk.tasks.drain(grace):
        log.warning("shutdown deadline passed with answers still under way")
    for adapter in services.adapters:
        try:
            await adapter.aclose()
        except Exception:
            log.warning("closing %s failed", adapter.name, exc_info=True)
