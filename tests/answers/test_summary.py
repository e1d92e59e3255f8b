"""What the extractive summary quotes: the stretch that answers, on small documents of our own.

A stretch reads on into the list its paragraph introduces, an entry whose heading names just
what was asked leads with its opening, the answer never leaves the summary to make room for a
section, and a passage sharing a word or two with the question does not pad it.
"""

from __future__ import annotations

from dataclasses import replace

from answers.evidence import Passage
from answers.model import Draft, DraftSource, EngineInfo
from answers.ranking import (
    analyse_question,
    focus_of,
    heading_focus,
    heading_terms,
    is_vague_heading,
    rank_passages,
)
from answers.writers import write_extractive
from answers.writers.quotable import is_signature

ENGINE = EngineInfo(backend="test", writer="extractive", version="1")

KETTLES = DraftSource(title="Kettle reference", url="https://kettles.example/reference")
GLOSSARY = DraftSource(title="Glossary", url="https://kettles.example/glossary")
COOKBOOK = DraftSource(title="Tea cookbook", url="https://tea.example/cookbook")
NEWS = DraftSource(title="Kitchen news", url="https://news.example/kitchen")


def passage(source: DraftSource, heading: str, text: str, **fields: object) -> Passage:
    return Passage(evidence_id="", text=text, source=source, score=0.0, heading=heading, **fields)  # type: ignore[arg-type]


def ranked(question: str, given: list[Passage]) -> list[Passage]:
    found = rank_passages(question, given)
    return [replace(p, evidence_id=f"E{n}") for n, p in enumerate(found, 1)]


def write(question: str, given: list[Passage]) -> Draft:
    return write_extractive(question, ranked(question, given), engine=ENGINE, documents_searched=4)


def quoted(draft: Draft) -> list[str]:
    return [c.text for c in draft.summary]


def assert_verbatim(draft: Draft, given: list[Passage]) -> None:
    """Every claim is a slice of one paragraph of a passage of the source it cites."""
    paragraphs: dict[str, list[str]] = {}
    for p in given:
        paragraphs.setdefault(p.source.url, []).extend(p.text.split("\n"))
    for claim in (*draft.summary, *(c for s in draft.sections for c in s.claims)):
        url = draft.sources[claim.cites[0]].url
        assert any(claim.text in line for line in paragraphs[url]), claim.text


FILL = passage(
    KETTLES,
    "kettle.fill(amount)",
    "Pour water into the kettle up to amount litres.\n"
    "One thing to consider is that the amount asked for could be more water than the kettle "
    "holds; the kettle offers two behaviours for this:\n"
    "By default, fill() stops pouring when the kettle is full.\n"
    "With strict=True it raises an OverflowError instead.",
)
BOIL = passage(
    KETTLES,
    "kettle.boil(temperature)",
    "Heat the water to the temperature given. The kettle switches itself off once it boils.",
)


def test_a_stretch_reads_on_into_the_list_its_paragraph_introduces() -> None:
    question = "what happens if I fill() the kettle with more water than it holds?"
    given = [FILL, BOIL]
    draft = write(question, given)
    summary = quoted(draft)
    lead_in = next(n for n, text in enumerate(summary) if text.endswith("for this:"))
    # The lead-in and the first item it introduces, each quoted from its own paragraph.
    assert summary[lead_in + 1] == "By default, fill() stops pouring when the kettle is full."
    assert_verbatim(draft, given)


MODES = passage(
    KETTLES,
    "kettle.heat(mode)",
    "Heat the water in one of three modes.\n"
    "The kettle offers the following heating modes:\n"
    "Quick. Brings the water to the boil in two minutes.\n"
    "Gentle. Heats the water slowly, for green tea.\n"
    "Keep warm. Holds the water at eighty degrees for an hour.",
)


def test_a_lead_in_reaches_the_item_of_its_list_that_answers() -> None:
    question = "can the kettle keep the water warm for an hour?"
    draft = write(question, [MODES, BOIL])
    summary = quoted(draft)
    lead_in = summary.index("The kettle offers the following heating modes:")
    assert summary[lead_in + 1] == "Keep warm. Holds the water at eighty degrees for an hour."
    assert_verbatim(draft, [MODES, BOIL])


def test_a_lead_in_to_a_difference_brings_both_sides() -> None:
    question = "what is the difference between a shallow and a deep rinse?"
    rinse = passage(
        COOKBOOK,
        "Rinsing the kettle",
        "Rinse the kettle after descaling it.\n"
        "The difference between a shallow and a deep rinse is how much water reaches the "
        "element:\n"
        "A shallow rinse swirls a cupful of water round the base.\n"
        "A deep rinse fills the kettle and boils the water away.",
    )
    draft = write(question, [rinse, BOIL, DESCALE_GLOSSARY])
    summary = quoted(draft)
    assert "A shallow rinse swirls a cupful of water round the base." in summary
    assert "A deep rinse fills the kettle and boils the water away." in summary
    assert_verbatim(draft, [rinse, BOIL, DESCALE_GLOSSARY])


def test_a_lead_in_alone_never_ends_a_claim() -> None:
    question = "what behaviours does the kettle offer when the amount is more than it holds?"
    draft = write(question, [FILL, BOIL])
    texts = [c.text for c in draft.summary] + [c.text for s in draft.sections for c in s.claims]
    for n, text in enumerate(texts):
        if text.endswith(":") and not any(
            c.code for s in draft.sections for c in s.claims if c.text == text
        ):
            assert n + 1 < len(texts), text  # something it introduces follows it


DESCALE_GLOSSARY = passage(
    GLOSSARY,
    "descaler",
    "A mild acid that dissolves the chalk left by hard water, usually citric acid. "
    "Kettles in hard-water areas need it every few weeks.",
)
DESCALE_MENTIONS = [
    passage(
        KETTLES,
        "kettle.descaler_warning()",
        "Show the descaler reminder on the kettle's display.",
    ),
    passage(
        COOKBOOK,
        "Tea tastes flat",
        "A descaler is worth trying when tea tastes flat. Rinse twice after any descaler.",
    ),
    passage(NEWS, "New kettles", "The new kettles remind you to buy descaler."),
]


def test_an_entry_whose_heading_names_just_the_question_leads_with_its_opening() -> None:
    question = "what is a descaler?"
    given = [*DESCALE_MENTIONS, DESCALE_GLOSSARY]
    draft = write(question, given)
    assert quoted(draft)[0].startswith("A mild acid that dissolves the chalk")
    assert draft.sources[draft.summary[0].cites[0]].url == GLOSSARY.url
    assert_verbatim(draft, given)


def write_weighted(question: str, given: list[Passage], weights: dict[str, float]) -> Draft:
    """As a corpus backend writes: term weights from the whole collection, not these few."""
    return write_extractive(
        question, ranked(question, given), engine=ENGINE, documents_searched=40, weights=weights
    )


def test_the_answer_stays_in_the_summary_when_its_section_would_be_empty() -> None:
    question = "can I drop a column with alter table?"
    answer = (
        "The drop column syntax removes an existing column from a table. The drop column "
        "command rewrites the table to purge the column's data. The drop column command fails "
        "when an index uses the column."
    )
    given = [
        passage(KETTLES, "Alter table drop column", answer),
        passage(
            COOKBOOK,
            "Alter table",
            "The alter table command can rename a table, rename a column, add a column or drop "
            "a column. Other changes need a new table.",
        ),
        passage(
            NEWS,
            "Schema changes",
            "This section describes how the create table, alter table and drop table commands "
            "change a column. Each rewrites the schema.",
        ),
    ]
    weights = {"drop": 3.0, "column": 2.5, "alter": 3.0, "tabl": 1.0}
    draft = write_weighted(question, given, weights)
    assert quoted(draft)[0].startswith("The drop column syntax removes an existing column")
    assert_verbatim(draft, given)


def test_the_passage_that_answers_leads_and_passages_sharing_a_word_do_not_pad() -> None:
    question = "how long does the kettle take to boil a litre of water?"
    given = [
        passage(
            KETTLES,
            "Boiling time",
            "The kettle boils a litre of water in about three minutes. Half a litre takes under "
            "two minutes. A full kettle of 1.7 litres takes four minutes.",
        ),
        passage(
            NEWS,
            "Kettle sales",
            "Kettle sales rose by a tenth this year. Shops sold more kettles than toasters. "
            "Kettles are now the most sold kitchen appliance.",
        ),
        passage(
            COOKBOOK,
            "Green tea",
            "Green tea wants water well below the boil. Let the kettle cool for a few minutes.",
        ),
    ]
    weights = {"kettl": 2.0, "take": 1.0, "boil": 3.0, "litr": 4.0, "water": 1.5}
    draft = write_weighted(question, given, weights)
    assert quoted(draft)[0] == "The kettle boils a litre of water in about three minutes."
    assert {draft.sources[c.cites[0]].url for c in draft.summary} == {KETTLES.url}


def test_prose_ending_in_an_aside_is_not_a_signature() -> None:
    assert is_signature("class kettle.Kettle(volume=1.0, /[, lid])")
    assert is_signature("coroutine kettle.boil(temperature)")
    assert is_signature("kettle.fill(amount)")
    assert not is_signature(
        "__slots__ reserve space for the declared attributes (unless a parent class "
        "declares __dict__.)"
    )
    assert not is_signature("The lid is removable (see the cleaning guide)")
    assert is_signature("PRAGMA kettle_mode = boolean;")  # a statement of code
    assert not is_signature("Fill the kettle; then switch it on")


def test_a_heading_names_the_question_whatever_qualifies_or_numbers_it() -> None:
    weights = {"__init__": 3.0, "init": 1.0, "kettle.fill": 3.0, "fill": 1.0, "kettl": 1.0}

    def focus(question: str, heading: str) -> float:
        query = analyse_question(question)
        return heading_focus(query, weights, heading_terms(heading, "Reference"))

    assert focus("what is __init__ for", "object.__init__(self[, ...])") == 1.0
    assert focus("what is __init__ for", "3.3.1. __init__") == 1.0
    assert focus("what does kettle.fill do", "kettle.fill(amount)") == 1.0
    assert focus("what is __init__ for", "kettle.__init_subclass__()") < 1.0
    assert focus("what is __init__ for", "Notes on using __init__") < 1.0


def test_follow_ups_come_from_nearby_headings_that_share_the_question_s_weightier_words() -> None:
    question = "how do I descale the kettle?"
    descaling = passage(
        KETTLES,
        "Descaling",
        "Descale the kettle with citric acid once a month in hard-water areas.",
        neighbours=(
            "Kettle colours",
            "Descaler strength",
            "Warranty for kettles",
            "Descaling schedule",
            "Why descaling matters",
        ),
    )
    weights = {"descal": 4.0, "kettl": 1.0}
    draft = write_weighted(question, [descaling, BOIL], weights)
    assert len(draft.follow_ups) == 3  # the related ones only, though five would be allowed
    assert all("descal" in f.casefold() for f in draft.follow_ups), draft.follow_ups


def test_a_comparison_is_answered_from_both_sides_headings() -> None:
    question = "quick mode vs gentle mode - what's the difference?"
    given = [
        passage(
            NEWS,
            "Kettle modes in shops",
            "Shoppers compare quick mode and gentle mode before they buy. Quick mode and gentle "
            "mode are both on every model, and shops show quick mode and gentle mode side by "
            "side.",
        ),
        passage(KETTLES, "Quick mode", "Quick mode boils a litre in two minutes at full power."),
        passage(COOKBOOK, "Gentle mode", "Gentle mode heats the water slowly, for green tea."),
    ]
    weights = {"quick": 3.0, "gentl": 3.0, "mode": 1.0}
    draft = write_weighted(question, given, weights)
    cited = {draft.sources[c.cites[0]].url for c in draft.summary}
    assert {KETTLES.url, COOKBOOK.url} <= cited
    assert_verbatim(draft, given)


def test_a_heading_that_is_a_reference_number_names_nothing() -> None:
    assert is_vague_heading("R-18996-06026-12732-36881")
    assert is_vague_heading("2005-08-21 (3.2.3)")
    assert is_vague_heading("2011-06-28 - Version 3.7.7.1")
    assert not is_vague_heading("PEP 3135")
    assert not is_vague_heading("3.3.2.4. __slots__")
    requirements = DraftSource(title="Kettle requirements", url="https://kettles.example/req")
    given = [
        passage(
            requirements,
            "R-18996-06026-12732",
            "The kettle switches itself off within ten seconds of the water boiling. "
            "It switches itself off when it is lifted from its base, too.",
        ),
        passage(
            requirements,
            "R-20001-33333-44444",
            "A kettle that switches itself off lights its lamp red until it cools.",
        ),
    ]
    draft = write("when does the kettle switch itself off?", given)
    headings = [s.heading for s in draft.sections]
    assert headings.count("Kettle requirements") == 1  # one section for the source's numbers
    assert not any("18996" in h for h in headings) and not any(
        "18996" in f for f in draft.follow_ups
    )


def test_a_called_name_is_not_an_attribute_of_the_same_name() -> None:
    weights = {"boil": 3.0}
    query = analyse_question("what does boil() do?")
    called = focus_of(query, weights, "kettle.boil(temperature)", "Reference")
    attribute = focus_of(query, weights, "Kettle.boil", "Reference")
    assert called == 1.0 and attribute < called
    # Asked without a call, the attribute names it as squarely.
    plain = analyse_question("what is kettle.boil")
    assert focus_of(plain, {"kettle.boil": 3.0}, "Kettle.boil", "Reference") == 1.0


def test_a_page_of_lead_ins_stays_a_page_of_stretches() -> None:
    # Every paragraph introduces the next: each stretch reaches into a list once, so the
    # stretches stay about as many as the sentences (a branching reach would never finish).
    text = "\n".join(f"Kettle setting {n} has the following options:" for n in range(300))
    given = [passage(KETTLES, "Settings", text + "\nEvery setting can be changed with the dial.")]
    draft = write("what options does a kettle setting have?", given)
    assert draft.summary
    assert_verbatim(draft, given)


def test_an_entry_restating_its_name_does_not_lead_before_one_that_explains() -> None:
    question = "what does << do"
    given = [
        passage(KETTLES, "kettle.LEFT_SHIFT", "Kettle value for <<."),
        passage(
            COOKBOOK,
            "Pouring",
            "Writing kettle << cup tips the kettle until the cup below it is full.",
        ),
    ]
    draft = write(question, given)
    assert quoted(draft)[0].startswith("Writing kettle << cup")
    assert_verbatim(draft, given)
