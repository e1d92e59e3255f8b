"""`factbot chat`'s choice between a follow-up number and a question."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.console.chat import NoSuchFollowUp, pick_question
from answers import Answer, Draft, DraftClaim, DraftSection, DraftSource, EngineInfo


def answer_with(follow_ups: tuple[str, ...]) -> Answer:
    draft = Draft(
        summary=(DraftClaim("Said.", (0,)),),
        sections=(DraftSection("H", (DraftClaim("Body.", (0,)),)),),
        limitations=(),
        sources=(DraftSource(title="Source", url="https://example.org/s"),),
        follow_ups=follow_ups,
        engine=EngineInfo(backend="test", writer="test", version="1"),
    )
    return draft.finalize(
        question="q", question_key="k", checked_on=datetime(2026, 1, 1, tzinfo=UTC), disclaimer="d"
    )


LAST = answer_with(("One?", "Two?", "Three?"))


@pytest.mark.parametrize(
    ("line", "picked"),
    [
        (" 2 ", "Two?"),
        ("3", "Three?"),
        ("What is 2 + 2?", "What is 2 + 2?"),
        ("٢", "٢"),  # a digit of another script is text, not a follow-up number
        ("  a question  ", "a question"),
    ],
)
def test_a_number_picks_a_follow_up_and_text_is_a_question(line: str, picked: str) -> None:
    assert pick_question(line, LAST) == picked


@pytest.mark.parametrize(
    ("line", "last", "says"),
    [
        ("4", LAST, "There is no follow-up 4: type 1 to 3, or a question."),
        ("0", LAST, "There is no follow-up 0: type 1 to 3, or a question."),
        ("1", None, "There are no follow-ups yet: ask a question first, then type a number."),
    ],
)
def test_a_number_without_a_follow_up_names_the_valid_ones(
    line: str, last: Answer | None, says: str
) -> None:
    picked = pick_question(line, last)
    assert isinstance(picked, NoSuchFollowUp)
    assert picked.describe() == says
