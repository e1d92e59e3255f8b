"""Keywords that are stop words ("with", "is") and starred parameters (`**kwargs`)."""

from __future__ import annotations

from pathlib import Path

from answers.backends.corpus import CorpusIndex
from answers.ingest.keywords import named_keywords
from answers.ingest.words import terms
from answers.ranking.question import question_terms


def _terms(question: str) -> set[str]:
    return {t.term for t in question_terms(question)}


def test_a_question_names_a_stop_word_as_a_keyword() -> None:
    assert "`with`" in _terms("why use with when opening a file")
    assert "`with`" in _terms("what does the with statement do")
    assert "`is`" in _terms("should I use is or == to compare strings")
    assert "`is`" in _terms("when to use is")
    assert "`this`" in _terms("what does the this keyword mean in javascript")


def test_english_uses_of_the_same_words_name_no_keyword() -> None:
    assert not any(t.startswith("`") for t in _terms("use with caution"))
    assert not any(t.startswith("`") for t in _terms("what is an operator"))
    assert not any(t.startswith("`") for t in _terms("how is operator precedence defined"))
    # "in a for loop" asks about something done in a loop, not about the keyword.
    assert not any(t.startswith("`") for t in _terms("get the index in a for loop"))


def test_prose_names_a_keyword_beside_its_kind_or_in_capitals() -> None:
    assert named_keywords("It is good practice to use the with keyword here.") == ("with",)
    assert named_keywords("The is operator tests identity.") == ("is",)
    assert named_keywords("Use the WHERE clause and x IS NOT NULL.") == ("where", "is", "not")
    assert named_keywords("THE SOFTWARE IS PROVIDED AS IS") == ()  # all capitals: shouting
    assert named_keywords("An operator is a symbol; work with files.") == ()


def test_starred_names_share_a_term_apart_from_the_operator() -> None:
    assert "(**)" in terms("a parameter of the form **name")
    assert "(**)" in terms("f(*args, **kwargs)")
    assert "(*)" in terms("f(*args, **kwargs)")
    assert "(**)" not in terms("2 ** 10")


def test_the_index_finds_a_keyword_named_in_prose(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    pages = {
        "files.md": "# Closing\n\nUse the with keyword when opening a file: it is closed after.\n",
        "modes.md": "# Opening a file\n\nOpen a file with a mode and read it with care.\n",
    }
    for name, text in pages.items():
        (folder / name).write_text(text, encoding="utf-8")
    index = CorpusIndex(folder, index_path=tmp_path / "index.sqlite")
    index.sync()
    found = index.search("why use with when opening a file", limit=2)
    assert found.passages[0].source.title == "Closing"


def test_the_index_finds_any_name_with_the_same_stars(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    pages = {
        "params.md": "# Parameters\n\nA parameter of the form **name receives a dictionary.\n",
        "other.md": "# Receiving\n\nA function can receive a dictionary of options.\n",
    }
    for name, text in pages.items():
        (folder / name).write_text(text, encoding="utf-8")
    index = CorpusIndex(folder, index_path=tmp_path / "index.sqlite")
    index.sync()
    found = index.search("what does **kwargs receive", limit=2)
    assert found.passages and found.passages[0].source.title == "Parameters"
