"""A question saying what a thing is ("strings are mutable") also searches the opposite word
documents use to contradict it ("immutable")."""

from __future__ import annotations

from pathlib import Path

from answers.backends.corpus import CorpusIndex
from answers.ranking.antonyms import opposites, with_opposites
from answers.ranking.question import analyse_question


def test_a_word_said_after_is_or_are_proposes_its_prefixed_opposites() -> None:
    found = opposites("kettle lids are removable, so how do I clean the rim?")
    assert "unremov" in found["remov"]
    assert set(opposites("since the queue is unordered, how do I sort it")["unord"]) >= {"order"}


def test_words_not_said_of_a_thing_and_short_words_propose_nothing() -> None:
    assert opposites("how do I install the kettle") == {}
    assert opposites("is it able to boil") == {}


def test_an_opposite_the_documents_hold_is_another_word_for_the_term() -> None:
    query = analyse_question("kettle lids are removable, so how do I clean the rim?")
    opposed = with_opposites(query, lambda term: term == "unremov")
    assert "unremov" in {t.term: t.alternatives for t in opposed.terms}["remov"]
    assert with_opposites(query, lambda term: False) == query


def test_the_passage_stating_the_opposite_answers_the_premise(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    pages = {
        "lids.md": "# Lids\n\nKettle lids are unremovable: wipe the rim with a damp cloth.\n",
        "rims.md": "# Rims\n\nThe rim of a kettle is steel. Clean the base weekly.\n",
        "cups.md": "# Cups\n\nCups hold tea. Clean them after use.\n",
    }
    for name, text in pages.items():
        (folder / name).write_text(text, encoding="utf-8")
    index = CorpusIndex(folder, index_path=tmp_path / "index.sqlite")
    index.sync()
    found = index.search("kettle lids are removable, so how do I clean the rim?", limit=3)
    assert found.passages[0].source.url == "docs/lids.md"
    assert "unremov" in {a for t in found.query.terms for a in t.alternatives}


def test_change_and_modify_are_other_words_for_each_other() -> None:
    # "How do I modify a string in place?" answers "how do I change a string in place".
    terms = {t.term: t.alternatives for t in analyse_question("change a string in place").terms}
    assert "modifi" in terms["chang"] or "modify" in terms["chang"]
