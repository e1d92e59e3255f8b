"""The interface every backend implements."""

from __future__ import annotations

from typing import Protocol

from answers.model import Draft
from answers.progress import ProgressCallback


class Backend(Protocol):
    """Researches a question and writes a draft report.

    `cache_namespace` goes into the cache key, so switching backend (or its
    corpus) never serves another backend's answers. Raise any exception on
    failure; the engine wraps it in `ResearchFailed` and caches nothing.
    """

    @property
    def cache_namespace(self) -> str: ...

    async def research(self, question: str, *, progress: ProgressCallback | None) -> Draft: ...

    async def aclose(self) -> None: ...
