"""The composition root: what `build` makes from settings."""

from __future__ import annotations

from pydantic import SecretStr

from answers.backends.research import BraveSearch, ResearchBackend
from answers.store import MemoryStore
from bot.config import Settings
from bot.wiring import build


async def test_the_research_backend_is_built_from_plain_setting_values() -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        backend="research",
        search_provider="brave",
        brave_api_key=SecretStr("key"),
        brave_api_url="http://127.0.0.1:9/res/v1/web/search",
        llm_base_url="http://127.0.0.1:11434",
        llm_model="llama3.1:8b",
        llm_max_tokens=1000,
        llm_max_retries=0,
    )
    services = build(settings, store=MemoryStore())
    try:
        backend = services.engine.backend
        assert isinstance(backend, ResearchBackend)
        assert isinstance(backend.search, BraveSearch)
        assert backend.search.api_url == "http://127.0.0.1:9/res/v1/web/search"
        assert backend.cache_namespace == "research:v1:brave:llama3.1:8b"
        writer = backend.writer
        assert writer is not None
        assert writer.url == "http://127.0.0.1:11434/v1/chat/completions"
        assert (writer.max_tokens, writer.max_retries, writer.timeout) == (1000, 0, 60.0)
    finally:
        await services.aclose()
