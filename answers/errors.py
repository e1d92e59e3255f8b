"""factbot's errors, drawn once.

    FactbotError
    ├── QuestionError          the question itself is unusable (the person can fix it)
    │   ├── EmptyQuestion
    │   └── QuestionTooLong
    ├── RateLimited            this person asked too often; `retry_after` says when to try again
    ├── AnswerNotFound         an answer id that was never stored or has left the store
    └── ResearchFailed         the backend could not produce a report (never cached)

Adapters turn these into words in one place each (see `adapters.wording`).
"""

from __future__ import annotations

__all__ = [
    "AnswerNotFound",
    "EmptyQuestion",
    "FactbotError",
    "QuestionError",
    "QuestionTooLong",
    "RateLimited",
    "ResearchFailed",
]


class FactbotError(Exception):
    """Base of every error factbot raises on purpose."""


class QuestionError(FactbotError):
    """The question cannot be researched as written."""


class EmptyQuestion(QuestionError):
    def __init__(self) -> None:
        super().__init__("the question is empty")


class QuestionTooLong(QuestionError):
    def __init__(self, length: int, limit: int) -> None:
        super().__init__(f"the question is {length} characters long; the limit is {limit}")
        self.length = length
        self.limit = limit


class RateLimited(FactbotError):
    def __init__(self, retry_after: float) -> None:
        super().__init__(f"too many questions; try again in {retry_after:.0f} s")
        self.retry_after = retry_after


class AnswerNotFound(FactbotError):
    def __init__(self, answer_id: str) -> None:
        super().__init__(f"no stored answer {answer_id!r}")
        self.answer_id = answer_id


class ResearchFailed(FactbotError):
    """The backend failed; the cause is chained (`raise ... from`)."""
