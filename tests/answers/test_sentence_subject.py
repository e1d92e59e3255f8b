"""Which sentences the summary quotes for a question about a named thing, on small documents.

A question that writes a name as code ("range()") asks about that name: an API entry for another
name that uses the same word in passing ("in the range [a, b]") does not answer it, however
well it matches the question's other words. "How big can it get" asks for its limit.
"""

from __future__ import annotations

from dataclasses import replace

from answers.evidence import Passage
from answers.model import Draft, DraftSource, EngineInfo
from answers.ranking import analyse_question, rank_passages
from answers.writers import write_extractive

ENGINE = EngineInfo(backend="test", writer="extractive", version="1")

LIBRARY = DraftSource(title="Library reference", url="https://lib.example/reference")
TUTORIAL = DraftSource(title="Tutorial", url="https://lib.example/tutorial")


def passage(source: DraftSource, heading: str, text: str) -> Passage:
    return Passage(evidence_id="", text=text, source=source, score=0.0, heading=heading)


def write(question: str, given: list[Passage]) -> Draft:
    """The report, with every term as rare in the whole collection as the others (a code name
    counting more, as `term_weights` has it): two passages alone say nothing of rarity."""
    query = analyse_question(question)
    weights = {t.term: t.factor for t in query.terms}
    found = [replace(p, evidence_id=f"E{n}") for n, p in enumerate(rank_passages(question, given))]
    return write_extractive(
        question, found, engine=ENGINE, documents_searched=2, query=query, weights=weights
    )


UNIFORM = passage(
    LIBRARY,
    "dice.uniform(a, b)",
    "Return a random number N such that a <= N <= b.\n"
    "The end number b may or may not be included in the range depending on rounding.",
)
RANGE = passage(
    TUTORIAL,
    "The range() Function",
    "If you need to count over numbers, the built-in function range() comes in handy.\n"
    "Pass it a start and a stop.\n"
    "The given end point is never part of the generated sequence; range(10) gives 10 values.",
)


def test_an_entry_for_another_name_does_not_answer_for_the_name_asked() -> None:
    draft = write("is the end number included in range()?", [UNIFORM, RANGE])
    summary = " ".join(c.text for c in draft.summary)
    assert "never part of the generated sequence" in summary
    assert not draft.summary[0].text.startswith("The end number b")


def test_the_entry_still_answers_when_asked_about_by_its_own_name() -> None:
    draft = write("is the end number included in dice.uniform()?", [UNIFORM, RANGE])
    assert draft.sources[draft.summary[0].cites[0]].url == LIBRARY.url
    assert not any("never part" in c.text for c in draft.summary)


def test_how_big_can_it_get_asks_for_a_limit() -> None:
    asked = {t.term: t.is_implied for t in analyse_question("how big can a kettle get?").terms}
    assert asked.get("maximum") is True and asked.get("size") is True
    assert "maximum" not in {t.term for t in analyse_question("how big is a kettle?").terms}


def test_the_limit_answers_how_big_it_can_get() -> None:
    given = [
        passage(
            LIBRARY,
            "Kettle size in the header",
            "The size of the kettle in litres is stored in the header of its manual.",
        ),
        passage(
            TUTORIAL,
            "Kettle limits",
            "Kettles are sold in many shapes.\nThe maximum size of a kettle is 3 litres.",
        ),
    ]
    draft = write("how big can a kettle get?", given)
    assert any("maximum size of a kettle is 3 litres" in c.text for c in draft.summary)
