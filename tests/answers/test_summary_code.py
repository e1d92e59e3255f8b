"""A summary claim may quote the short code example its sentence introduces, on documents of
our own: one example at most, only a short one, and never for a question asking why."""

from __future__ import annotations

from dataclasses import replace

from answers.evidence import CodeBlock, Passage
from answers.model import Draft, DraftSource, EngineInfo
from answers.ranking import rank_passages
from answers.writers import write_extractive

ENGINE = EngineInfo(backend="test", writer="extractive", version="1")
GUIDE = DraftSource(title="Kettle guide", url="https://kettles.example/guide")
MANUAL = DraftSource(title="Kettle manual", url="https://kettles.example/manual")

DESCALE_CODE = "kettle descale --clean\nkettle rinse --twice"
DESCALE_TEXT = (
    "Chalk from hard water builds up on the heating element over the months.\n"
    "To descale the kettle, run the descale program with the clean flag:\n"
    "Rinse it afterwards so no vinegar taste is left."
)


def passage(source: DraftSource, heading: str, text: str, code: tuple[CodeBlock, ...]) -> Passage:
    return Passage(evidence_id="", text=text, source=source, score=0.0, heading=heading, code=code)


def descaling(code: str = DESCALE_CODE) -> Passage:
    return passage(GUIDE, "Descaling the kettle", DESCALE_TEXT, (CodeBlock(after=1, text=code),))


BOILING = passage(
    MANUAL,
    "Boiling water",
    "The kettle boils a litre of water in about three minutes.\n"
    "To boil water with the lid open, run the kettle with the open flag:\n"
    "A kettle boiled dry switches itself off.",
    (CodeBlock(after=1, text="kettle boil --open"),),
)


def write(question: str, given: list[Passage]) -> Draft:
    found = [
        replace(p, evidence_id=f"E{n}") for n, p in enumerate(rank_passages(question, given), 1)
    ]
    return write_extractive(question, found, engine=ENGINE, documents_searched=3)


def test_a_how_to_summary_quotes_the_sentence_with_its_short_example() -> None:
    draft = write("how do I descale the kettle", [descaling(), BOILING])
    with_code = [c for c in draft.summary if c.code]
    assert [c.text for c in with_code] == [
        "To descale the kettle, run the descale program with the clean flag:"
    ]
    assert with_code[0].code == DESCALE_CODE  # verbatim, from the passage it cites
    assert draft.sources[with_code[0].cites[0]].url == GUIDE.url


def test_a_long_example_stays_in_its_section_and_its_lead_in_out_of_the_summary() -> None:
    listing = "\n".join(f"kettle descale --step {n}" for n in range(12))
    draft = write("how do I descale the kettle", [descaling(listing), BOILING])
    assert not any(c.code for c in draft.summary)
    assert not any(c.text.endswith(":") for c in draft.summary)


def test_a_question_asking_why_is_answered_in_words() -> None:
    draft = write("why descale the kettle", [descaling(), BOILING])
    assert not any(c.code for c in draft.summary)


def test_a_summary_shows_one_example_at_most() -> None:
    both = passage(
        GUIDE,
        "Descaling the kettle",
        "To descale the kettle, run the descale program with the clean flag:\n"
        "To rinse the descaled kettle, run the rinse program with the twice flag:\n"
        "The descale and rinse programs of the kettle take ten minutes each.\n"
        "A kettle descaled every month boils faster and lasts longer.",
        (
            CodeBlock(after=0, text="kettle descale --clean"),
            CodeBlock(after=1, text="kettle rinse --twice"),
        ),
    )
    draft = write("how do I descale and rinse the kettle with a flag", [both, BOILING])
    assert len([c for c in draft.summary if c.code]) == 1
    quoted = {c.text for c in draft.summary}
    shown = [c for s in draft.sections for c in s.claims if c.code]
    assert shown and all(c.text not in quoted for c in shown)  # the other one has its section
