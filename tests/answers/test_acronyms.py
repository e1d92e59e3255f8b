"""Acronyms the documents define are other words for their long forms ("WAL": write-ahead log)."""

from __future__ import annotations

from pathlib import Path

from answers.backends.corpus import CorpusIndex
from answers.backends.research.pages import Page
from answers.backends.research.passages import select_evidence, with_page_acronyms
from answers.ingest.acronyms import defined_acronyms
from answers.ingest.model import Block
from answers.model import DraftSource
from answers.ranking.acronyms import Expansion, with_acronyms
from answers.ranking.question import analyse_question


def _pairs(title: str, text: str, headings: tuple[str, ...] = ()) -> set[tuple[str, str]]:
    return {(a.short, a.long) for a in defined_acronyms(title, headings, text)}


def test_the_ways_documentation_defines_an_acronym() -> None:
    text = (
        "CPython has a Global Interpreter Lock (GIL) that guards objects.\n"
        "Clocks move by DST (daylight saving time) twice a year.\n"
        'Version 3.7 adds a new "Write-Ahead Log" option (hereafter referred to as "WAL").\n'
        "Reads wait for I/O Completion Ports (IOCP) on Windows."
    )
    assert _pairs("Notes", text) == {
        ("GIL", "Global Interpreter Lock"),
        ("DST", "daylight saving time"),
        ("WAL", "Write-Ahead Log"),
        ("IOCP", "I/O Completion Ports"),
    }


def test_a_title_whose_initials_spell_an_acronym_the_document_uses() -> None:
    text = "The WAL file grows until a checkpoint. A WAL reset rewinds it."
    assert _pairs("Write-Ahead Logging", text) == {("WAL", "Write-Ahead Logging")}
    # A word in capitals the text also writes in lower case is a keyword, not an acronym.
    keyword = "UPDATE t SET a = 1. Then SET b. You set the values you set before."
    assert _pairs("Triggers", keyword, ("Some Example Triggers",)) == set()


def test_letters_shared_by_chance_are_no_definition() -> None:
    text = (
        "The QZX flag is new (QZX).\n"  # a made-up acronym nothing spells
        "Pass X, Y (XY) to the generic.\n"  # one-letter words are no long form
        "Times are UTC (use the connection's time zone otherwise).\n"  # spells only a prefix
        "See the Name Of The (NOT) operator and Non-Disclosure (AND) rules."  # small words
    )
    assert _pairs("Notes", text) == set()


def test_an_acronym_searches_its_long_form_and_a_long_form_its_acronym() -> None:
    wal = Expansion("wal", ("write", "ahead", "log"))
    short = with_acronyms(analyse_question("what is WAL mode"), [wal])
    assert {t.term: t.alternatives for t in short.terms}["wal"] == ("write ahead log",)
    assert short.terms[0].is_in({"write", "ahead", "log"})
    assert not short.terms[0].is_in({"write", "log"})
    long = with_acronyms(analyse_question("how does write-ahead logging work"), [wal])
    assert all("wal" in t.alternatives for t in long.terms if t.term in wal.terms)
    # A question with neither is left alone.
    other = analyse_question("what is a rollback journal")
    assert with_acronyms(other, [wal]) == other


def test_the_index_learns_an_acronym_from_one_page_and_finds_it_on_another(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    pages = {
        "threads.md": "# Threads\n\nThe global interpreter lock lets one thread run bytecode.\n",
        "glossary.md": "# Glossary\n\nCPython uses a Global Interpreter Lock (GIL) for safety.\n",
        "locks.md": "# Locks\n\nA lock guards a resource shared by threads.\n",
    }
    for name, text in pages.items():
        (folder / name).write_text(text, encoding="utf-8")
    index = CorpusIndex(folder, index_path=tmp_path / "index.sqlite")
    index.sync()
    found = index.search("what is the GIL", limit=3)
    assert {p.source.url for p in found.passages} >= {"docs/threads.md", "docs/glossary.md"}
    assert "docs/locks.md" not in {p.source.url for p in found.passages}
    made_up = index.search("what is the QGL", limit=3)
    assert all(not t.alternatives for t in made_up.query.terms)


def test_fetched_pages_teach_their_acronyms_to_the_evidence_ranking() -> None:
    def page(url: str, title: str, text: str) -> tuple[Page, DraftSource]:
        found = Page(url, url, title, "Docs", None, (Block("prose", text),))
        return found, DraftSource(title=title, url=url)

    pages = [
        page(
            "https://a.example/glossary", "Glossary", "CPython has a Global Interpreter Lock (GIL)."
        ),
        page(
            "https://a.example/threads", "Threads", "The global interpreter lock runs one thread."
        ),
        page("https://a.example/locks", "Locks", "A lock guards a resource shared by threads."),
    ]
    query = with_page_acronyms(analyse_question("what is the GIL"), pages)
    assert {t.term: t.alternatives for t in query.terms}["gil"] == ("global interpret lock",)
    found = {p.source.url for p in select_evidence(query, pages)}
    assert found == {"https://a.example/glossary", "https://a.example/threads"}
