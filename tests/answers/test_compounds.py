"""Two question words documents write as one ("back up": backup) are searched as that word too."""

from __future__ import annotations

from pathlib import Path

from answers.backends.corpus import CorpusIndex
from answers.ranking.compounds import Compound, compounds, with_compounds
from answers.ranking.question import analyse_question


def _words(question: str) -> list[str]:
    return [c.word for c in compounds(question)]


def test_a_verb_and_its_particle_join() -> None:
    assert _words("how to back up a database while it is in use") == ["backup"]
    assert _words("set up logging, then log in") == ["setup", "login"]


def test_the_of_phrase_joins_backwards() -> None:
    assert _words("get the id of the row i just inserted") == ["rowid"]
    assert _words("change the name of a file") == ["filename"]


def test_neighbouring_nouns_and_words_of_asking_do_not_join() -> None:
    assert _words("shallow copy vs deep copy") == []
    assert _words("how to get it out of the way") == []


def test_a_join_is_another_word_for_the_terms_it_joins_when_documents_write_it() -> None:
    query = analyse_question("get the id of the row i just inserted")
    joined = with_compounds(query, lambda c: c.term == "rowid")
    others = {t.term: t.alternatives for t in joined.terms}
    assert others["row"] == ("rowid",)
    assert others["id"] == ("rowid",)
    assert with_compounds(query, lambda c: False) == query


def test_the_join_only_counts_parts_that_are_terms() -> None:
    query = analyse_question("how to back up a database")
    joined = with_compounds(query, lambda c: isinstance(c, Compound))
    assert {t.term: t.alternatives for t in joined.terms}["back"] == ("backup",)


def _index(tmp_path: Path, pages: dict[str, str]) -> CorpusIndex:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in pages.items():
        (folder / name).write_text(text, encoding="utf-8")
    index = CorpusIndex(folder, index_path=tmp_path / "index.sqlite")
    index.sync()
    return index


def test_the_index_searches_a_join_its_documents_write_as_one_word(tmp_path: Path) -> None:
    index = _index(
        tmp_path,
        {
            "backup.md": "# Copies\n\nA backup copies a live store.\n\nRun backup nightly.\n",
            "restore.md": "# Restore\n\nRestore a store from its backup.\n",
            "garden.md": "# Garden\n\nPut the tools back in the shed after work.\n",
            "walls.md": "# Walls\n\nHang the picture back on the wall.\n",
        },
    )
    found = index.search("how do I back up", limit=4)
    assert "docs/backup.md" in {p.source.url for p in found.passages}
    assert "backup" in {a for t in found.query.terms for a in t.alternatives}


def test_words_the_documents_write_apart_are_not_joined(tmp_path: Path) -> None:
    index = _index(
        tmp_path,
        {
            "a.md": "# Functions\n\nA built in function. Another built in type.\n",
            "b.md": "# Names\n\nThe builtin module. Built in names live there.\n",
            "c.md": "# More\n\nEvery builtin is built in.\n",
        },
    )
    found = index.search("is there a built in way to cache", limit=3)
    assert all(not t.alternatives for t in found.query.terms if t.term == "built")
