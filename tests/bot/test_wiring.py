"""Wiring: a channel may choose between the backends only when both are configured."""

from __future__ import annotations

from pathlib import Path

import pytest

from answers import MemoryStore
from bot.config import load_settings
from bot.wiring import build

ROOT = Path(__file__).resolve().parents[2]
SEARCH = "http://127.0.0.1:9/"  # never contacted: building connects nothing


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT / "tests")  # no .env here
    for name in ("FACTBOT_BACKEND", "FACTBOT_CORPUS", "SEARXNG_URL", "BRAVE_API_KEY"):
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
        assert services.desk.backend_names == names
        if names:
            assert services.engine.backends[services.settings.backend] is services.engine.backend
    finally:
        await services.aclose()
