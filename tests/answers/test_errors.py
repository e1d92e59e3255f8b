"""The error tree carries what every adapter needs to know about an error."""

from __future__ import annotations

from answers import errors
from answers.errors import (
    AnswerNotFound,
    FactbotError,
    QuestionTooLong,
    RateLimited,
    ShuttingDown,
    StoreUnavailable,
    classify,
)


def leaves(cls: type[FactbotError]) -> list[type[FactbotError]]:
    found: list[type[FactbotError]] = []
    for sub in cls.__subclasses__():
        found += leaves(sub) or [sub]
    return found


def test_every_error_factbot_raises_is_drawn_in_the_tree() -> None:
    drawn = errors.__doc__ or ""
    for cls in [*leaves(FactbotError), errors.QuestionError]:
        assert cls.__name__ in drawn, cls
    assert issubclass(StoreUnavailable, FactbotError)


def test_each_leaf_has_its_own_code_and_an_error_status() -> None:
    codes = [cls.code for cls in leaves(FactbotError)]
    assert len(codes) == len(set(codes)) and FactbotError.code not in codes
    for cls in leaves(FactbotError):
        assert 400 <= cls.http_status < 600, cls
        assert cls.stage != FactbotError.stage, cls


def test_anything_outside_the_tree_is_an_internal_error() -> None:
    internal = classify(KeyError("x"))
    assert (internal.code, internal.http_status, internal.stage) == (
        "internal_error",
        500,
        "internal",
    )
    gone = AnswerNotFound("abc")
    assert classify(gone) is gone


def test_retry_seconds_round_up_to_at_least_one() -> None:
    assert RateLimited(0.2).retry_seconds == 1
    assert RateLimited(7.1).retry_seconds == 8
    assert ShuttingDown().retry_seconds is not None
    assert QuestionTooLong(10, 5).retry_seconds is None
