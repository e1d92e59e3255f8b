"""The interface every backend implements."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from answers.model import Draft
from answers.progress import ProgressCallback


class Backend(Protocol):
    """Researches a question and writes a draft report.

    `cache_namespace` goes into the cache key, so switching backend (or its
    corpus) never serves another backend's answers; reading it must not block
    (the engine reads it on the event loop before each question). A backend
    that is not ready at once may also define `async def ready(self) -> None`,
    which the engine awaits before reading the namespace (the corpus waits
    there, off the loop, for an index still being built at start-up). Raise
    any exception on failure; the engine wraps it in `ResearchFailed` and
    caches nothing.

    `extra_terms` are words that join the question's search without being
    part of it: a follow-up's earlier key words, when no LLM made it stand on
    its own ("how long do they stay?" + factbot, cache, answers).
    """

    @property
    def cache_namespace(self) -> str: ...

    async def prepare(self) -> None:
        """Get ready for the first question (the corpus builds its index); called once at
        start-up, before any question, and may do nothing."""
        ...

    async def research(
        self,
        question: str,
        *,
        progress: ProgressCallback | None,
        extra_terms: Sequence[str] = (),
    ) -> Draft: ...

    async def aclose(self) -> None: ...
