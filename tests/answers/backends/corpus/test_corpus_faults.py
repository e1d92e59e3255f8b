"""The corpus under faults: a document that is slow to parse, an index file held by another
indexer, a file swapped for a symbolic link, a source URL that is not a web page."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from answers import AnswerEngine, MemoryStore
from answers.backends.corpus import CorpusBackend
from answers.backends.corpus.documents import read_document
from answers.backends.corpus.folder import read_inside
from answers.backends.corpus.index import CorpusIndex
from tests.answers.backends.corpus_samples import write_sample_corpus

CHECKED_ON = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)


def big_table(rows: int = 30_000) -> str:
    """About 1.2 MB of Markdown table: seconds of parsing for its size."""
    body = "".join(f"| cell {i} | value {i} | more {i} |\n" for i in range(rows))
    return "# A big table\n\n| a | b | c |\n|---|---|---|\n" + body


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_sample_corpus(tmp_path / "kb")


async def test_a_document_slow_to_parse_is_left_out_after_its_deadline(
    corpus: Path, tmp_path: Path
) -> None:
    (corpus / "table.md").write_text(big_table())
    backend = CorpusBackend(corpus, index_path=tmp_path / "index.sqlite3", parse_timeout=1.0)
    started = time.monotonic()
    report = await backend.refresh()
    assert time.monotonic() - started < 5  # not the many seconds the whole table would take
    (skipped,) = report.skipped
    assert skipped.path == "table.md"
    assert "could not be parsed" in skipped.note and "longer than 1 s" in skipped.note
    engine = AnswerEngine(backend, MemoryStore(), clock=lambda: CHECKED_ON)
    answer = await engine.ask("How is green tea brewed?")
    assert answer.sources  # the other documents answer as usual
    assert "1 file in the corpus could not be read and was left out." in [
        c.text for c in answer.limitations
    ]
    await engine.aclose()


async def test_a_document_over_the_size_cap_is_left_out_unread(
    corpus: Path, tmp_path: Path
) -> None:
    (corpus / "large.md").write_text("# Large\n\n" + "words and more words. " * 10_000)
    backend = CorpusBackend(
        corpus, index_path=tmp_path / "index.sqlite3", max_document_bytes=100_000
    )
    report = await backend.refresh()
    assert [f.path for f in report.skipped] == ["large.md"]
    assert "larger than 100000 bytes" in report.skipped[0].note
    await backend.aclose()


async def test_an_index_file_held_by_another_indexer_keeps_the_old_index_answering(
    corpus: Path, tmp_path: Path
) -> None:
    index_path = tmp_path / "index.sqlite3"
    backend = CorpusBackend(corpus, index_path=index_path, recheck_interval=0.05)
    engine = AnswerEngine(backend, MemoryStore(), clock=lambda: CHECKED_ON)
    first = await engine.ask("How is green tea brewed?")
    namespace = backend.cache_namespace

    other = sqlite3.connect(index_path, isolation_level=None)  # `factbot index`, mid-sync
    other.execute("BEGIN IMMEDIATE")
    try:
        (corpus / "tea.md").write_text("# Tea\n\nGreen tea is brewed with cooler water now.\n")
        await asyncio.sleep(0.5)  # the watcher saw the change and waits for the file
        started = time.monotonic()
        again = await engine.ask_traced("How is green tea brewed?")
        other_question = await engine.ask("Why does Iceland have so many volcanoes?")
        assert time.monotonic() - started < 2
        assert again.cache == "hit" and again.answer == first
        assert other_question.sources  # answered from the index as it was
        assert backend.cache_namespace == namespace
    finally:
        other.execute("ROLLBACK")
        other.close()
    for _ in range(500):  # the lock is gone: the change is indexed
        if backend.cache_namespace != namespace:
            break
        await asyncio.sleep(0.01)
    assert backend.cache_namespace != namespace
    await engine.aclose()


# --- a folder cannot expose other files ------------------------------------------------------


def test_reading_refuses_a_file_swapped_for_a_link_to_outside(tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    folder.mkdir()
    secret = tmp_path / "secret.md"
    secret.write_text("# Secret\n\nThe password is hunter2.\n")
    note = folder / "note.md"
    note.write_text("# Note\n\nAn ordinary note.\n")
    assert read_inside(folder, note, limit=1000).startswith(b"# Note")
    note.unlink()
    note.symlink_to(secret)  # swapped after the scan saw a regular file
    with pytest.raises(OSError):
        read_inside(folder, note, limit=1000)


def test_reading_refuses_a_folder_swapped_for_a_link_to_outside(tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "note.md").write_text("# Note\n\nInside.\n")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "note.md").write_text("# Note\n\nThe password is hunter2.\n")
    (folder / "sub" / "note.md").unlink()
    (folder / "sub").rmdir()
    (folder / "sub").symlink_to(outside, target_is_directory=True)
    with pytest.raises(OSError, match="outside the folder"):
        read_inside(folder, folder / "sub" / "note.md", limit=1000)


def test_reading_refuses_a_file_grown_past_the_cap(tmp_path: Path) -> None:
    (tmp_path / "grown.md").write_text("x" * 2000)
    with pytest.raises(OSError, match="larger than 1000 bytes"):
        read_inside(tmp_path, tmp_path / "grown.md", limit=1000)


def test_a_link_to_outside_never_reaches_the_index(tmp_path: Path) -> None:
    folder = write_sample_corpus(tmp_path / "kb")
    secret = tmp_path / "secret.md"
    secret.write_text("# Secret\n\nThe password is hunter2.\n")
    index = CorpusIndex(folder, index_path=tmp_path / "index.sqlite3")
    index.sync()
    (folder / "tea.md").unlink()
    os.symlink(secret, folder / "tea.md")
    report = index.sync()
    listed = {f.path: f for f in report.files}
    assert listed["tea.md"].status == "skipped"  # listed, never read
    assert "outside the folder" in listed["tea.md"].note
    assert index.search("password hunter2", limit=5).passages == []
    index.close()


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,<script>alert(1)</script>",
        "//example.org/no-scheme",
        "https://",
    ],
)
def test_only_web_urls_from_front_matter_become_sources(url: str) -> None:
    text = f"---\ntitle: A note\nurl: {url}\n---\n\n# A note\n\nSome text.\n"
    document = read_document("notes/a.md", text.encode(), folder_name="kb")
    assert document.url == "kb/notes/a.md"  # the file's own place instead


def test_a_web_url_from_front_matter_is_kept() -> None:
    text = "---\nurl: https://wiki.example.org/tea\n---\n\n# Tea\n\nText.\n"
    assert read_document("tea.md", text.encode(), folder_name="kb").url == (
        "https://wiki.example.org/tea"
    )
