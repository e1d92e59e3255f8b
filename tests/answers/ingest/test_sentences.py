"""Sentence splitting: an ellipsis going on in lower case stays inside its sentence."""

from __future__ import annotations

from answers.ingest.sentences import sentence_spans


def _sentences(text: str) -> list[str]:
    return [text[s.start : s.end] for s in sentence_spans(text)]


def test_an_ellipsis_going_on_in_lower_case_does_not_end_the_sentence() -> None:
    text = "Chain the tests with if... elif... else. Each runs in turn."
    assert _sentences(text) == ["Chain the tests with if... elif... else.", "Each runs in turn."]


def test_an_ellipsis_before_a_capital_still_ends_the_sentence() -> None:
    assert _sentences("It waits... Then it runs.") == ["It waits...", "Then it runs."]
