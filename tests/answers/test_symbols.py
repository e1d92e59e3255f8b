"""A question about a symbol also searches what the documents call it ("walrus" for `:=`)."""

from __future__ import annotations

from pathlib import Path

from answers.backends.corpus import CorpusIndex
from answers.ranking.question import analyse_question
from answers.ranking.symbols import symbol_names, with_symbol_names


def test_prose_names_a_symbol_beside_it() -> None:
    texts = [
        "Assignments inside expressions use the walrus operator := in Python.",
        "Starting in 3.8, the walrus operator := assigns a variable.",
        "The // (floor division) operator yields the quotient.",
        "The floor division operator is //. For example, 11 // 4 is 2.",
    ]
    assert symbol_names(":=", texts) == [("walrus",)]
    assert symbol_names("//", texts) == [("floor", "division")]


def test_a_name_given_once_or_with_stop_words_is_not_learned() -> None:
    texts = [
        "Keyword arguments may follow dictionary unpackings (**).",
        "x != y (not equals) is true. Also != (not equals) in another place.",
    ]
    assert symbol_names("**", texts) == []
    assert symbol_names("!=", texts) == []  # "not equals" is no name of "!="


def test_a_one_word_name_is_another_word_for_the_symbol_a_longer_names_words_are_implied() -> None:
    names = {":=": [("walrus",)], "//": [("floor", "division")]}
    walrus = with_symbol_names(analyse_question("what is := in python"), names.__getitem__)
    assert {t.term: t.alternatives for t in walrus.terms}[":="] == ("walrus",)
    floor = with_symbol_names(analyse_question("what does // do"), names.__getitem__)
    implied = {t.term for t in floor.terms if t.is_implied}
    assert {"floor", "divis"} <= implied


def test_a_symbol_in_a_snippet_of_code_learns_no_names() -> None:
    query = analyse_question("what's the point of if __name__ == '__main__':")
    assert with_symbol_names(query, lambda symbol: [("equality",)]) == query


def test_the_index_finds_the_section_named_for_a_symbol(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    pages = {
        "faq.md": "# Assigning in a condition\n\nUse the walrus operator := to assign.\n",
        "tour.md": "# Conditions\n\nAssign in a loop with the walrus operator := here.\n",
        "ref.md": "# Named expressions\n\nA named expression, or walrus, binds a name.\n\n"
        "```\nif (n := len(a)) > 10:\n    pass\n```\n",
        "other.md": "# Tokens\n\nThe tokens include := and others.\n",
    }
    for name, text in pages.items():
        (folder / name).write_text(text, encoding="utf-8")
    index = CorpusIndex(folder, index_path=tmp_path / "index.sqlite")
    index.sync()
    found = index.search("what is :=", limit=4)
    assert ("walrus",) == {t.term: t.alternatives for t in found.query.terms}[":="]
    order = [p.source.url for p in found.passages]
    assert order.index("docs/ref.md") < order.index("docs/other.md")
