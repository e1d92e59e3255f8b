"""factbot's errors, drawn once.

    FactbotError               what went wrong, and the words, status and stage that go with it
    ├── QuestionError          the question itself is unusable (the person can fix it)
    │   ├── EmptyQuestion
    │   │   └── QuestionWithoutWords   text, but no letter or digit ("???", "🙂")
    │   └── QuestionTooLong
    ├── RateLimited            this person asked too often; `retry_after` says when to try again
    ├── ShuttingDown           this process takes no new questions (answers under way go on)
    ├── ChannelDisabled        an admin turned factbot off in this channel
    ├── AnswerNotFound         an answer id that was never stored or has left the store
    ├── StoreUnavailable       Redis cannot be reached right now; callers go on without it
    └── ResearchFailed         the backend could not produce a report (never cached)

Each class carries what the adapters need to know about it, so nothing maps
error types by hand: `code` (machine-readable, the HTTP API's error code),
`http_status`, `wording` (the key of the person's sentence in
`adapters.wording`) and `stage` (where a question stopped, for metrics).
Anything outside the tree is an internal error (`classify`).
"""

from __future__ import annotations

import math
from typing import ClassVar

__all__ = [
    "AnswerNotFound",
    "ChannelDisabled",
    "EmptyQuestion",
    "FactbotError",
    "QuestionError",
    "QuestionTooLong",
    "QuestionWithoutWords",
    "RateLimited",
    "ResearchFailed",
    "ShuttingDown",
    "StoreUnavailable",
    "classify",
]

SHUTTING_DOWN_RETRY_SECONDS = 5.0


class FactbotError(Exception):
    """Base of every error factbot raises on purpose; its class attributes describe any error
    outside the tree (an internal error)."""

    code: ClassVar[str] = "internal_error"
    http_status: ClassVar[int] = 500
    wording: ClassVar[str] = "internal"
    stage: ClassVar[str] = "internal"
    retry_after: float | None = None  # seconds until trying again may help, when known

    @property
    def retry_seconds(self) -> int | None:
        """`retry_after` as the whole seconds a person or a Retry-After header is told (≥ 1)."""
        return None if self.retry_after is None else max(1, math.ceil(self.retry_after))


def classify(exc: BaseException) -> FactbotError:
    """`exc` itself when it is in the tree, else an internal `FactbotError` standing for it:
    read `code`, `http_status`, `wording` and `stage` from what this returns."""
    return exc if isinstance(exc, FactbotError) else FactbotError(str(exc))


class QuestionError(FactbotError):
    """The question cannot be researched as written."""

    http_status = 422
    stage = "question"


class EmptyQuestion(QuestionError):
    code = wording = "empty_question"

    def __init__(self) -> None:
        super().__init__("the question is empty")


class QuestionWithoutWords(EmptyQuestion):
    """Nothing to search for, as for an empty question (the same `code`), though the person did
    type something: their sentence says so."""

    wording = "question_without_words"

    def __init__(self) -> None:
        QuestionError.__init__(self, "the question has no letters or digits")


class QuestionTooLong(QuestionError):
    code = wording = "question_too_long"

    def __init__(self, length: int, limit: int) -> None:
        super().__init__(f"the question is {length} characters long; the limit is {limit}")
        self.length = length
        self.limit = limit


class RateLimited(FactbotError):
    code = wording = "rate_limited"
    http_status = 429
    stage = "rate_limit"

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"too many questions; try again in {retry_after:.0f} s")
        self.retry_after = retry_after


class ShuttingDown(FactbotError):
    """Raised by the adapters' desk once it stops accepting questions (a restart under way)."""

    code = "shutting_down"
    wording = "restarting"
    http_status = 503
    stage = "shutdown"

    def __init__(self) -> None:
        super().__init__("shutting down: no new questions")
        self.retry_after = SHUTTING_DOWN_RETRY_SECONDS


class ChannelDisabled(FactbotError):
    """An admin turned factbot off where the question was asked (a channel's setting)."""

    code = wording = "channel_disabled"
    http_status = 403
    stage = "channel"

    def __init__(self) -> None:
        super().__init__("factbot is turned off in this channel")


class AnswerNotFound(FactbotError):
    code = wording = "answer_not_found"
    http_status = 404
    stage = "lookup"

    def __init__(self, answer_id: str) -> None:
        super().__init__(f"no stored answer {answer_id!r}")
        self.answer_id = answer_id


class StoreUnavailable(FactbotError):
    """The store cannot be reached right now; callers go on without it."""

    code = wording = "store_unavailable"
    http_status = 503
    stage = "store"


class ResearchFailed(FactbotError):
    """The backend failed; the cause is chained (`raise ... from`)."""

    code = wording = "research_failed"
    http_status = 502
    stage = "research"
