"""The extractive writer on passages in memory, as the web research backend hands them over."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from answers.evidence import Passage
from answers.model import (
    MAX_FOLLOW_UPS,
    MAX_SECTIONS,
    MIN_FOLLOW_UPS,
    Answer,
    Draft,
    DraftSource,
    EngineInfo,
)
from answers.ranking import rank_passages
from answers.writers import write_extractive
from answers.writers.follow_ups import MAX_FOLLOW_UP_CHARS, as_question

ENGINE = EngineInfo(backend="test", writer="extractive", version="1")
CHECKED_ON = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)

REUTERS = DraftSource(
    title="Bridge reopens after repairs",
    url="https://news.example.com/bridge",
    publisher="Example News",
    published=date(2026, 5, 2),
)
COUNCIL = DraftSource(title="City council minutes", url="https://city.example.gov/minutes")
BLOG = DraftSource(title="A cyclist's diary", url="https://blog.example.net/diary")

PAGES = [
    (
        REUTERS,
        "",
        "The Elm Street bridge reopened on 1 May after eight months of repairs. "
        "Engineers replaced the deck and strengthened both piers.",
    ),
    (
        REUTERS,
        "What the repairs cost",
        "The repairs cost 4.2 million euros, about a fifth more "
        "than planned. The city paid for the overrun from its road budget.",
    ),
    (
        COUNCIL,
        "Item 4: Elm Street bridge",
        "The council approved the bridge repair budget in "
        "September. Councillors asked for a cycle lane on the reopened bridge.",
    ),
    (
        COUNCIL,
        "Item 5: Parks",
        "The council agreed to plant forty trees in Riverside Park. "
        "Volunteers will water them during the first summer.",
    ),
    (
        BLOG,
        "Riding across",
        "I rode across the reopened bridge on its first morning. "
        "The new cycle lane is wide and the surface is smooth.",
    ),
    (
        BLOG,
        "Spring rides",
        "Spring rides along the canal are the best of the year. "
        "The towpath dries out by the middle of April.",
    ),
]


def passages(question: str) -> list[Passage]:
    candidates = [
        Passage(evidence_id="", text=text, source=source, score=0.0, heading=heading)
        for source, heading, text in PAGES
    ]
    ranked = rank_passages(question, candidates)
    return [Passage(f"E{i}", p.text, p.source, p.score, p.heading) for i, p in enumerate(ranked, 1)]


def finalize(draft: Draft, question: str) -> Answer:
    return draft.finalize(
        question=question, question_key="k", checked_on=CHECKED_ON, disclaimer="Check sources."
    )


def assert_claims_quote_their_passages(draft: Draft, given: list[Passage]) -> None:
    texts: dict[str, list[str]] = {}
    for p in given:
        texts.setdefault(p.source.url, []).append(p.text)
    for claim in (*draft.summary, *(c for s in draft.sections for c in s.claims)):
        assert len(claim.cites) == 1
        url = draft.sources[claim.cites[0]].url
        assert any(claim.text in text for text in texts[url]), claim.text


def test_a_report_from_several_sources() -> None:
    question = "When did the Elm Street bridge reopen after repairs?"
    given = passages(question)
    draft = write_extractive(question, given, engine=ENGINE, documents_searched=3)
    answer = finalize(draft, question)
    assert 1 <= len(answer.summary) <= 4
    assert 1 <= len(answer.sections) <= MAX_SECTIONS
    assert MIN_FOLLOW_UPS <= len(answer.follow_ups) <= MAX_FOLLOW_UPS
    assert {s.url for s in answer.sources} >= {REUTERS.url, COUNCIL.url}
    assert answer.summary[0].text.startswith("The Elm Street bridge reopened on 1 May")
    assert_claims_quote_their_passages(draft, given)
    headings = [s.heading for s in answer.sections]
    assert "Bridge reopens after repairs" in headings  # the page's opening: its title
    assert all(not h.lower().startswith("section") for h in headings)
    assert answer.engine == ENGINE


def test_headings_say_what_each_group_shows() -> None:
    question = "What did the bridge repairs cost?"
    draft = write_extractive(question, passages(question), engine=ENGINE, documents_searched=3)
    assert [s.heading for s in draft.sections] == ["What the repairs cost"]
    question = "Does the bridge have a cycle lane?"
    draft = write_extractive(question, passages(question), engine=ENGINE, documents_searched=3)
    assert "Elm Street bridge" in [s.heading for s in draft.sections]  # its numbering dropped


def test_one_clear_fact_makes_a_short_report_without_padding() -> None:
    question = "What did the bridge repairs cost?"
    draft = write_extractive(question, passages(question), engine=ENGINE, documents_searched=3)
    answer = finalize(draft, question)
    assert [c.text for c in answer.summary] == [
        "The repairs cost 4.2 million euros, about a fifth more than planned."
    ]
    assert len(answer.sections) == 1
    assert [c.text for c in answer.sections[0].claims] == [
        "The city paid for the overrun from its road budget."
    ]
    everest = DraftSource(title="Everest", url="https://peaks.example/everest")
    one_line = [
        Passage(
            "E1", "Mount Everest is 8,849 metres tall, the highest peak on Earth.", everest, 1.0
        )
    ]
    question = "How tall is Mount Everest?"
    answer = finalize(
        write_extractive(question, one_line, engine=ENGINE, documents_searched=1), question
    )
    assert [c.text for c in answer.summary] == [one_line[0].text]
    assert len(answer.sections) == 1 and answer.sources[0].url == everest.url
    headings = [s.heading for s in answer.sections]
    assert not any("part" in h or "continued" in h for h in headings)


def test_limitations_are_computed_from_the_evidence() -> None:
    question = "When did the Elm Street bridge reopen after repairs by the mayor?"
    draft = write_extractive(
        question,
        passages(question),
        engine=ENGINE,
        documents_searched=3,
        notes=["2 pages could not be fetched."],
    )
    lines = [c.text for c in draft.limitations]
    assert lines[0] == ("No passage found mentions “mayor”, so this report says nothing about it.")
    assert any(line.startswith("Searched 3 documents;") for line in lines)
    assert "2 pages could not be fetched." in lines
    assert any("2026-05-02" in line for line in lines)  # the one dated source
    assert "not evidence that it is false" in lines[-1]
    assert all(not c.cites for c in draft.limitations)


def test_follow_ups_come_from_headings_the_report_did_not_use() -> None:
    question = "What did the bridge repairs cost?"
    draft = write_extractive(question, passages(question), engine=ENGINE, documents_searched=3)
    used = {s.heading for s in draft.sections}
    for follow_up in draft.follow_ups:
        assert follow_up.endswith("?")
        assert not any(h and h in follow_up for h in used)


def test_a_question_the_passages_do_not_cover_gets_the_honest_report() -> None:
    question = "Who designed the Eiffel Tower?"
    given = passages(question)
    draft = write_extractive(question, given, engine=ENGINE, documents_searched=3)
    answer = finalize(draft, question)
    assert answer.sources == () and answer.sections == ()
    assert all(not c.cites for c in answer.all_claims())
    text = " ".join(c.text for c in answer.summary)
    assert "do not cover this question" in text
    assert "“designed”, “eiffel” or “tower”" in text
    assert MIN_FOLLOW_UPS <= len(answer.follow_ups) <= MAX_FOLLOW_UPS


def test_the_not_covered_report_suggests_what_the_sources_do_cover() -> None:
    question = "Who designed the Eiffel Tower?"
    context = [
        Passage(f"E{i}", text, source, 0.0, heading)
        for i, (source, heading, text) in enumerate(PAGES, 1)
    ]
    draft = write_extractive(question, context, engine=ENGINE, documents_searched=3)
    assert draft.sources == ()
    assert "What are spring rides?" in draft.follow_ups
    assert not any("should I know" in f for f in draft.follow_ups)


def test_words_scattered_over_passages_do_not_cover_a_question() -> None:
    # Every word of the question is in some passage, but no passage holds them together.
    geology = DraftSource(title="Field notes", url="https://geo.example/notes")
    scattered = [
        Passage("E1", "Hekla is a volcano in the south of the island.", geology, 1.0, "Hekla"),
        Passage("E2", "A glacier moves a few metres a year down its valley.", geology, 0.9, "Ice"),
        Passage("E3", "The survey of 2010 counted sheep on every farm.", geology, 0.8, "Farms"),
        Passage("E4", "Geysers erupt hot water several times an hour.", geology, 0.7, "Geysers"),
    ]
    question = "Which volcano erupted under a glacier in 2010?"
    draft = write_extractive(question, scattered, engine=ENGINE, documents_searched=1)
    assert draft.sources == ()
    assert "does not cover this question" in draft.summary[0].text
    assert "no passage treats them together" in draft.summary[1].text
    assert any("geo.example/notes" in c.text for c in draft.limitations)  # the closest passage


def test_one_passage_with_the_question_s_terms_answers_it() -> None:
    question = "Does the bridge have a cycle lane?"
    thin = [p for p in passages(question) if p.source.url == BLOG.url][:1]
    draft = write_extractive(question, thin, engine=ENGINE, documents_searched=1)
    assert [s.url for s in draft.sources] == [BLOG.url]
    assert draft.summary[0].text == "The new cycle lane is wide and the surface is smooth."


def test_no_passages_and_no_searchable_words() -> None:
    for question, given in (("What is the bridge?", []), ("What is it?", passages("bridge"))):
        draft = write_extractive(question, given, engine=ENGINE, documents_searched=len(given))
        answer = finalize(draft, question)
        assert answer.sources == ()
        assert MIN_FOLLOW_UPS <= len(answer.follow_ups)
    draft = write_extractive("What is it?", [], engine=ENGINE, documents_searched=0)
    assert draft.summary[0].text.startswith("There were no documents to search")
    assert "only common words" in draft.summary[1].text


def test_the_same_input_gives_the_same_report() -> None:
    question = "When did the Elm Street bridge reopen after repairs?"
    first = finalize(
        write_extractive(question, passages(question), engine=ENGINE, documents_searched=3),
        question,
    )
    second = finalize(
        write_extractive(question, passages(question), engine=ENGINE, documents_searched=3),
        question,
    )
    assert first.to_json() == second.to_json()


def test_markup_huge_and_odd_text_is_quoted_safely() -> None:
    markup = DraftSource(title="<script>alert(1)</script> @everyone", url="https://x.example/m")
    odd = DraftSource(title="Ünïcödé \u202e", url="https://x.example/u")
    huge = DraftSource(title="Huge", url="https://x.example/h")
    given = [
        Passage(
            "E1",
            "<!channel> The bridge *reopened* on 1 May. @everyone <@U123> was there. "
            "Bridge tolls were `dropped` for [a week](https://evil.example).",
            markup,
            1.0,
            "Bridge <b>news</b>",
        ),
        Passage(
            "E2",
            "The bridge 🌉 reopened with a ribbon, e\u0301 and \u200b zero widths. "
            "Bridge traffic returned the same afternoon.",
            odd,
            0.9,
            "",
        ),
        Passage("E3", "bridge " * 50_000, huge, 0.8, "Bridge"),  # one endless sentence
        Passage("E4", "The old bridge stood for ninety years. " * 400, huge, 0.7, "History"),
    ]
    question = "When did the bridge reopen?"
    draft = write_extractive(question, given, engine=ENGINE, documents_searched=3)
    answer = finalize(draft, question)
    assert answer.sources
    assert_claims_quote_their_passages(draft, given)
    for claim in answer.all_claims():
        assert len(claim.text) <= 2000


def test_as_question_turns_headings_into_questions() -> None:
    def common(word: str) -> bool:
        return word not in {"slack", "redis"}

    known = {"cache", "refresh", "configure", "run"}.__contains__
    cases = {
        "When Redis is down": "What happens when Redis is down?",
        "How factbot caches answers": "How does factbot cache answers?",
        "How the repairs cost": "Can you explain how the repairs cost?",
        "How does caching work": "How does caching work?",
        "Refreshing an answer": "How do I refresh an answer?",
        "Configuring factbot": "How do I configure factbot?",
        "Running tests": "How do I run tests?",
        "Brewing green tea": "What is brewing green tea?",  # "brew" is not a known word
        "Add factbot to Slack": "How do I add factbot to Slack?",
        "Freshness and retention": "What is freshness and retention?",
        "Slack settings": "What are Slack settings?",
        "2.1 Step 3: Brewing temperature:": "What is brewing temperature?",
        "Failures are never cached": "Why are failures never cached?",
        "ChainMap objects": "What are ChainMap objects?",
        "Boolean Operations — and, or, not": "What are boolean operations?",
        "Truth Value Testing": "What is truth value testing?",
        "class collections.Counter([iterable-or-mapping])": "What is collections.Counter?",
        "os.path.join(path, *paths)": "What does os.path.join() do?",
        "Is it free?": "Is it free?",
        "(5) Can two kettles share a socket?": "Can two kettles share a socket?",  # a FAQ's number
        "Q12. Is the lid dishwasher safe?": "Is the lid dishwasher safe?",
        "Descale the kettle (hard water only)": "How do I descale the kettle?",  # an instruction
        "Fact-check a message": "How do I fact-check a message?",
        "Additional Details Of The Commit Process": "What are additional details of the commit process?",
        "Posix locks cancelled by a thread": "What are posix locks cancelled by a thread?",
        "Limits in SQLite": "What are limits in SQLite?",
        "Why Isn't Slack Written In A Safe Language?": "Why isn't Slack written in a safe language?",
        "How Does Caching Work": "How does caching work?",
        "MERGE TRACKING": "What is merge tracking?",  # a manual page's capitals
        "Kettles that were recalled": "What are kettles that were recalled?",
        "Maximum length of a string": "What is maximum length of a string?",
    }
    for heading, expected in cases.items():
        assert as_question(heading, is_common_word=common, is_known=known) == expected
    for poor in ("", "Overview", "See also", "Examples", "x " * 40, "123", "`a` <b>", "SYNOPSIS"):
        assert as_question(poor, is_common_word=common) is None


def test_a_sentence_two_pages_share_is_quoted_once() -> None:
    wire = "The Elm Street bridge reopened on 1 May after eight months of repairs."
    copies = [
        Passage(
            f"E{i}",
            f"{wire} Page {i} adds its own closing remark about the bridge.",
            DraftSource(title=f"Copy {i}", url=f"https://copy{i}.example/bridge"),
            1.0,
            "",
        )
        for i in range(1, 4)
    ]
    draft = write_extractive(
        "When did the bridge reopen?", copies, engine=ENGINE, documents_searched=3
    )
    summary = [c.text for c in draft.summary]
    sections = [c.text for s in draft.sections for c in s.claims]
    assert sum(wire in text for text in summary) == 1
    assert sum(wire in text for text in sections) <= 1  # never again in another section
    assert len({s.heading for s in draft.sections}) == len(draft.sections)


def test_many_sources_give_at_most_eight_distinct_sections() -> None:
    given = [
        Passage(
            f"E{i}",
            f"The bridge inspection number {i} found the bridge sound. "
            f"Inspectors of team {i} measured every bridge cable.",
            DraftSource(title=f"Inspection {i}", url=f"https://insp.example/{i}"),
            1.0,
            f"Inspection {i} results",
        )
        for i in range(1, 21)
    ]
    draft = write_extractive(
        "What did the bridge inspections find?", given, engine=ENGINE, documents_searched=20
    )
    answer = finalize(draft, "What did the bridge inspections find?")
    assert len(answer.sections) == MAX_SECTIONS
    assert len({s.heading for s in answer.sections}) == MAX_SECTIONS
    assert len(answer.follow_ups) == MAX_FOLLOW_UPS  # from the inspections left out
    assert_claims_quote_their_passages(draft, given)


def test_a_sentence_that_leans_on_the_one_before_brings_it_along() -> None:
    text = (
        "The bridge deck was replaced in March. It had rusted through in two places. "
        "The bridge deck now carries a cycle lane."
    )
    given = [
        Passage("E1", text, REUTERS, 1.0, "The deck"),
        Passage("E2", "Bridge deck repairs ran late by a month.", COUNCIL, 0.9, "Delays"),
        Passage("E3", "The bridge deck is smooth to ride on.", BLOG, 0.8, "Riding"),
    ]
    draft = write_extractive(
        "Why was the bridge deck replaced?", given, engine=ENGINE, documents_searched=3
    )
    deck = next(s for s in draft.sections if s.heading == "The deck")
    assert any(
        c.text.startswith(
            "The bridge deck was replaced in March. It had rusted through in two places."
        )
        for c in deck.claims
    )
    assert all(not c.text.startswith("It ") for c in draft.summary)


def test_follow_ups_stay_readable_for_a_question_of_one_huge_word() -> None:
    # "What do other sources say about <1000 letters>?" used to be offered as a follow-up.
    question = "Is " + "x" * 1000 + " real?"
    answer = finalize(write_extractive(question, [], engine=ENGINE, documents_searched=0), question)
    assert MIN_FOLLOW_UPS <= len(answer.follow_ups)
    assert all(len(f) <= MAX_FOLLOW_UP_CHARS for f in answer.follow_ups)


def test_a_source_with_a_blank_title_still_gets_headings() -> None:
    # Its untitled passages' sections used to get an empty heading, so the report failed
    # validation (the research failed) instead of being written.
    question = "When did the Elm Street bridge reopen after repairs?"
    given = [
        replace(p, source=replace(p.source, title=" "), heading="") for p in passages(question)
    ]
    answer = finalize(
        write_extractive(question, given, engine=ENGINE, documents_searched=3), question
    )
    assert answer.sections and all(s.heading.strip() for s in answer.sections)
