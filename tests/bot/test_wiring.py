"""The composition root: what `build` makes from settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from answers import MemoryStore
from answers.backends.research import BraveSearch, ResearchBackend
from bot.config import Settings, load_settings
from bot.wiring import build

ROOT = Path(__file__).resolve().parents[2]
SEARCH = "http://127.0.0.1:9/"  # never contacted: building connects nothing


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT / "tests")  # no .env here
    for name in (
        "FACTBOT_BACKEND",
        "FACTBOT_CORPUS",
        "SEARXNG_URL",
        "BRAVE_API_KEY",
        "LLM_BASE_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("SEARCH_PROVIDER", raising=False)


@pytest.mark.parametrize(
    ("overrides", "names"),
    [
        ({}, ()),
        ({"searxng_url": SEARCH}, ("corpus", "research")),
        ({"search_provider": "brave", "searxng_url": SEARCH}, ()),
        ({"backend": "research", "searxng_url": SEARCH}, ()),
        (
            {"backend": "research", "searxng_url": SEARCH, "corpus": ROOT / "docs"},
            ("research", "corpus"),
        ),
    ],
)
async def test_both_backends_are_offered_when_both_are_configured(
    overrides: dict[str, object], names: tuple[str, ...]
) -> None:
    services = build(load_settings(**overrides), store=MemoryStore())
    try:
        assert services.desk.channels.backend_names == names
        if names:
            assert services.engine.backends[services.settings.backend] is services.engine.backend
    finally:
        await services.aclose()


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


async def test_follow_ups_are_rewritten_by_the_llm_only_when_there_is_one() -> None:
    from answers.backends.research.standalone import LLMStandalone
    from answers.standalone import KeyTermsStandalone

    plain = build(load_settings(searxng_url=SEARCH), store=MemoryStore())
    with_llm = build(
        load_settings(searxng_url=SEARCH, llm_base_url="http://127.0.0.1:9/v1"), store=MemoryStore()
    )
    try:
        assert isinstance(plain.engine.standalone, KeyTermsStandalone)
        assert isinstance(with_llm.engine.standalone, LLMStandalone)
    finally:
        await plain.aclose()
        await with_llm.aclose()
