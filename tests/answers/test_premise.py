"""A question built on a premise is answered first by the sentence that says otherwise."""

from __future__ import annotations

from answers.writers.premise import has_premise, negates
from answers.writers.reading import read_passages
from tests.answers.test_summary import KETTLES, NEWS, passage, ranked


def test_questions_that_take_something_for_granted() -> None:
    assert has_premise("why does the kettle switch off at 80 degrees?")
    assert has_premise("since kettles don't have a filter, how do I stop scale?")
    assert has_premise("kettle lids are removable, so how do I take mine off?")
    assert not has_premise("how do I descale a kettle?")
    assert not has_premise("what is a kettle and why would I use one")


def test_a_sentence_saying_not_never_or_cant_negates() -> None:
    assert negates("The kettle never switches off early.")
    assert negates("You can’t, because the lid is fixed.")
    assert negates("It doesn't boil dry.")
    assert not negates("The kettle switches itself off once it boils.")
    assert not negates("Note the knob on the lid.")  # "not" only as a whole word


def test_the_sentence_contradicting_the_premise_scores_best() -> None:
    question = "why does the kettle switch off at 80 degrees?"
    given = [
        passage(
            KETTLES,
            "Temperature",
            "A kettle switch turns the heater off at 80 degrees or at 100 degrees, as set.\n"
            "The kettle does not switch off at 80 degrees by itself.",
        ),
        passage(NEWS, "Kettle news", "Kettle makers add a switch for tea."),
    ]
    reading = read_passages(question, ranked(question, given))
    best = max(reading.sentences, key=lambda s: s.score)
    assert best.text == "The kettle does not switch off at 80 degrees by itself."
    # Asked without the premise, the sentence saying "not" has no edge.
    plain = read_passages("kettle switch off at 80 degrees", ranked(question, given))
    assert max(plain.sentences, key=lambda s: s.score).text.startswith("A kettle switch")
