"""Every error in the tree has its words, and they read well."""

from __future__ import annotations

import pytest

from adapters.wording import RESTARTING, WORDS, describe_error
from answers import (
    AnswerNotFound,
    EmptyQuestion,
    FactbotError,
    QuestionTooLong,
    QuestionWithoutWords,
    RateLimited,
    ShuttingDown,
    StoreUnavailable,
)
from answers.question import check_question
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


def test_an_emoji_question_is_not_called_empty() -> None:
    with pytest.raises(QuestionWithoutWords) as raised:
        check_question("🤔🤔 ???")
    assert raised.value.code == EmptyQuestion.code  # the HTTP API's code does not change
    assert "empty" not in describe_error(raised.value)
    assert "only symbols or emoji" in describe_error(raised.value)
    assert "empty" in describe_error(EmptyQuestion())


def test_an_unknown_answer_is_not_said_to_have_expired_for_sure() -> None:
    words = describe_error(AnswerNotFound("0123456789abcdef"))
    assert "expired or never existed" in words
