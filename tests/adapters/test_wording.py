"""Every error in the tree has its words, and they read well."""

from __future__ import annotations

from adapters.wording import RESTARTING, WORDS, describe_error
from answers import FactbotError, QuestionTooLong, RateLimited, ShuttingDown, StoreUnavailable
from tests.answers.test_errors import leaves


def test_every_wording_key_in_the_tree_has_words() -> None:
    for cls in [FactbotError, *leaves(FactbotError)]:
        assert cls.wording in WORDS, cls


def test_words_are_filled_in_from_the_error() -> None:
    assert "12,000 characters" in describe_error(QuestionTooLong(12_000, 1_000))
    assert "1,000" in describe_error(QuestionTooLong(12_000, 1_000))
    assert "Try again in 3 s." in describe_error(RateLimited(2.2))
    assert describe_error(ShuttingDown()) == RESTARTING
    assert "storage" in describe_error(StoreUnavailable("down"))
    assert describe_error(ValueError("{exc}")) == WORDS[FactbotError.wording]
