"""BM25 ranking of in-memory passages, and the words it ranks on."""

from __future__ import annotations

import pytest

from answers.evidence import Passage
from answers.model import DraftSource
from answers.ranking import (
    Bm25,
    analyse_question,
    content_terms,
    corrected,
    question_sides,
    question_terms,
    question_words,
    rank_passages,
    stem,
    term_weights,
    terms,
)


def passage(text: str, *, heading: str = "", title: str = "Page", url: str = "") -> Passage:
    source = DraftSource(title=title, url=url or f"https://example.org/{abs(hash(text))}")
    return Passage(evidence_id="", text=text, source=source, score=0.0, heading=heading)


@pytest.mark.parametrize(
    ("forms", "expected"),
    [
        (["cache", "caches", "caching", "cached"], "cach"),
        (["answer", "answers", "answered", "answering"], "answer"),
        (["run", "running"], "run"),
        (["process", "processes"], "process"),
        (["index", "indexes", "indexed", "indexing"], "index"),
        (["retry", "retries", "retried"], "retri"),
        (["eruption", "erupt", "erupted"], "erupt"),
        (["configure", "configuration", "configuring"], "configur"),
    ],
)
def test_stem_joins_the_forms_of_a_word(forms: list[str], expected: str) -> None:
    assert {stem(f) for f in forms} == {expected}


def test_stem_leaves_short_words_and_numbers_alone() -> None:
    assert stem("is") == "is"
    assert stem("1930") == "1930"
    assert stem("v2") == "v2"


def test_terms_fold_case_accents_and_width_and_content_terms_drop_stop_words() -> None:
    assert terms("The CAFÉ and ｃａｆｅ were caching") == [
        "the",
        "cafe",
        "and",
        "cafe",
        "were",
        "cach",
    ]
    assert content_terms("The CAFÉ and ｃａｆｅ were caching") == ["cafe", "cafe", "cach"]
    # A name with an underscore is kept whole, and in its parts.
    assert terms("REDIS_URL") == ["redis_url", stem("redis"), "url"]


def test_question_terms_keep_the_asked_words_in_order_once() -> None:
    asked = question_terms("How does factbot cache answers? Cached answers!")
    assert [(t.term, t.word) for t in asked] == [
        ("factbot", "factbot"),
        ("cach", "cache"),
        ("answer", "answers"),
    ]


def test_the_words_of_asking_are_not_searched() -> None:
    assert question_words("What happens when Redis is down?") == ["redis", "down"]
    assert question_words("How does caching work, exactly?") == ["caching"]
    assert question_words("What is it?") == []


def test_rank_passages_puts_the_matching_passage_first() -> None:
    passages = [
        passage("Bicycles need their chains oiled."),
        passage("Green tea is brewed below boiling point.", heading="Brewing tea"),
        passage("Coffee is brewed with boiling water."),
        passage("Nothing here shares a word."),
    ]
    ranked = rank_passages("How is green tea brewed?", passages)
    assert [p.text for p in ranked] == [passages[1].text, passages[2].text]
    assert ranked[0].score > ranked[1].score > 0


def test_rank_passages_counts_headings_and_titles() -> None:
    body = "The pads wear down over time."
    by_heading = passage(body, heading="Brakes")
    by_title = passage(body, title="Brakes")
    plain = passage(body + " brakes")
    ranked = rank_passages("brakes", [plain, by_title, by_heading])
    assert ranked[0] is not plain and ranked[0].heading == "Brakes"


def test_rank_passages_is_deterministic_and_keeps_input_order_on_ties() -> None:
    passages = [passage("tea", url=f"https://example.org/{i}") for i in range(5)]
    ranked = rank_passages("tea", passages)
    assert [p.source.url for p in ranked] == [p.source.url for p in passages]
    assert ranked == rank_passages("tea", passages)


def test_rank_passages_limit_and_empty_inputs() -> None:
    passages = [passage(f"tea number {i}") for i in range(10)]
    assert len(rank_passages("tea", passages, limit=3)) == 3
    assert rank_passages("tea", []) == []
    assert rank_passages("the of and", passages) == []


def test_bm25_prefers_rare_terms_and_shorter_documents() -> None:
    bm25 = Bm25([["tea", "green"], ["tea", "black"], ["tea", "green", "x", "y", "z", "w"]])
    assert bm25.idf("green") > bm25.idf("tea")
    assert bm25.idf("absent") == 0.0
    assert bm25.score(["green"], 0) > bm25.score(["green"], 2) > 0
    assert bm25.score(["coffee"], 0) == 0.0
    assert bm25.document_frequency("green") == 2


def test_a_keyword_written_in_capitals_is_searched_though_it_is_a_stop_word() -> None:
    assert question_words("is LIKE case sensitive?") == ["like", "case", "sensitive"]
    assert question_words("is like case sensitive?") == ["case", "sensitive"]
    # A question in capitals shouts every word: none of them is a name for it.
    assert question_words("IS THE KETTLE ON?") == ["kettle"]


def test_a_question_means_the_words_documents_use_for_it() -> None:
    implied = {t.term: t for t in question_terms("how big can a kettle get?") if t.is_implied}
    assert set(implied) == {stem("size"), stem("maximum")}  # "can it get": a limit
    assert implied[stem("size")].factor < 1.0  # not typed: it counts less than the typed words
    turned = question_terms("my kettle alarms are ignored, how do I turn them on?")
    assert stem("enable") in {t.term for t in turned if t.is_implied}
    pulled = question_terms("pull a value out of a json column")
    assert stem("extract") in {t.term for t in pulled if t.is_implied}
    assert not any(t.is_implied for t in question_terms("how does the kettle switch work?"))


def test_a_question_about_a_symbol_finds_the_operator_documents_name() -> None:
    implied = [t.term for t in question_terms("what does // do") if t.is_implied]
    assert implied == [stem("operator")]
    starred = [t.term for t in question_terms("what does **kwargs mean") if t.is_implied]
    assert starred == ["(**)"]  # any **name, not an operator
    assert not any(t.is_implied for t in question_terms("why if __name__ == '__main__':"))
    assert question_words("what does // do") == ["//"]  # typed, not implied
    passages = [
        passage("Return a // b, the quotient of a and b rounded down.", heading="ops.div(a, b)"),
        passage("The // operator divides and rounds down.", heading="Division operators"),
    ]
    assert rank_passages("what does // do", passages)[0].heading == "Division operators"


def test_a_passage_in_the_words_documents_use_is_found_for_a_casual_question() -> None:
    passages = [
        passage("Alarms can be enabled with the alarm setting.", heading="Enabling alarms"),
        passage("Alarms ring when the water boils.", heading="Alarms"),
    ]
    ranked = rank_passages("my kettle alarms are silent, how do I turn them on?", passages)
    assert ranked[0].heading == "Enabling alarms"


def test_the_sides_of_a_comparison_are_the_words_next_to_what_joins_them() -> None:
    def sides(question: str) -> tuple[list[str], list[str]] | None:
        found = question_sides(analyse_question(question))
        return None if found is None else ([t.word for t in found[0]], [t.word for t in found[1]])

    assert sides("AUTOINCREMENT vs plain INTEGER PRIMARY KEY - what's the difference?") == (
        ["autoincrement"],
        ["plain", "integer", "primary", "key"],
    )
    assert sides("what's the difference between __repr__ and __str__?") == (
        ["__repr__"],
        ["__str__"],
    )
    assert sides("should I check types with isinstance or type()?") == (["isinstance"], ["types"])
    assert sides("shallow copy vs deep copy in python?") == (["shallow", "copy"], ["deep", "copy"])
    assert sides("How does the kettle boil water?") is None


def test_a_word_no_document_has_weighs_more_than_the_rarest_they_have() -> None:
    query = analyse_question("how do I make a pivot table in the kettle app")
    present = {"tabl", "kettl", "app"}
    weights = term_weights(
        query, lambda t: {"tabl": 1.0, "kettl": 3.0, "app": 2.0}.get(t, 5.0), present.__contains__
    )
    assert weights["pivot"] == 1.5 * 3.0  # capped, but above the rarest present word


def test_a_misspelt_word_of_asking_is_dropped_not_searched() -> None:
    query = analyse_question("diffrence between boiling and steeping?")
    fixed = corrected(query, lambda term: term != "diffrenc", lambda term: [])
    assert [t.term for t in fixed.terms] == [stem("boiling"), stem("steeping")]


def test_conjunctions_are_not_searched() -> None:
    assert question_words("since kettles are slow, how do I boil water faster?") == [
        "kettles",
        "slow",
        "boil",
        "water",
        "faster",
    ]


def test_mentions_and_broadcasts_are_never_searched_for() -> None:
    plain = [t.term for t in analyse_question("how does factbot cache answers?").terms]
    for marked in (
        "<!channel> @everyone how does factbot cache answers?",
        "<@U0123ABC|ana> <#C1|general> how does factbot <!here> cache answers? @here",
        "@Channel how does factbot cache answers <@&123456789012345678>?",
    ):
        assert [t.term for t in analyse_question(marked).terms] == plain
    # An earlier question's mentions do not join a follow-up's search either.
    follow_up = analyse_question("how long do they stay?", context=["<!channel> cache answers"])
    assert "channel" not in {t.term for t in follow_up.terms}
    # An address or a word that merely contains one is left alone.
    assert "everyone.com" in {t.term for t in analyse_question("mail a@everyone.com").terms}
