"""The corpus index: built once, re-read only when files change, searched with BM25."""

from __future__ import annotations

import gzip
import os
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from answers.backends.corpus import CorpusIndex, default_index_path, index_corpus
from answers.backends.corpus.index import RACY_SECONDS
from tests.answers.backends.corpus_samples import write_sample_corpus

HOUR_NS = 3600 * 10**9


def age(folder: Path, *, hours: int = 1) -> None:
    """Give every file an older modification time, so its stat can be trusted (not racy)."""
    stamp = time.time_ns() - hours * HOUR_NS
    for path in folder.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(stamp, stamp))


def hashed_at(index_path: Path) -> dict[str, int]:
    with sqlite3.connect(index_path) as conn:
        return dict(conn.execute("SELECT path, hashed_ns FROM files").fetchall())


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = write_sample_corpus(tmp_path / "kb")
    age(folder)
    return folder


def test_first_sync_indexes_every_format(corpus: Path, tmp_path: Path) -> None:
    report = index_corpus(corpus, index_path=tmp_path / "index.sqlite3")
    assert report.rebuilt
    assert report.documents == 4
    assert [(f.path, f.status) for f in report.files] == [
        ("coffee.txt", "added"),
        ("guides/bikes.md", "added"),
        ("tea.md", "added"),
        ("volcano.html", "added"),
    ]
    assert report.passages == sum(f.passages for f in report.files) > 4
    text = report.describe()
    assert "Indexed 4 documents" in text and "tea.md: Brewing green tea" in text


def test_unchanged_files_are_not_read_again(corpus: Path, tmp_path: Path) -> None:
    index_path = tmp_path / "index.sqlite3"
    first = index_corpus(corpus, index_path=index_path)
    before = hashed_at(index_path)
    second = index_corpus(corpus, index_path=index_path)
    assert not second.rebuilt
    assert {f.status for f in second.files} == {"unchanged"}
    assert second.fingerprint == first.fingerprint
    assert hashed_at(index_path) == before  # nothing was even hashed again


def test_a_changed_file_is_reindexed_and_the_fingerprint_moves(
    corpus: Path, tmp_path: Path
) -> None:
    index_path = tmp_path / "index.sqlite3"
    first = index_corpus(corpus, index_path=index_path)
    (corpus / "coffee.txt").write_text("Coffee\n======\n\nCold brew steeps for twelve hours.\n")
    changed = index_corpus(corpus, index_path=index_path)
    assert changed.rebuilt
    statuses = {f.path: f.status for f in changed.files}
    assert statuses["coffee.txt"] == "changed"
    assert {s for p, s in statuses.items() if p != "coffee.txt"} == {"unchanged"}
    assert changed.fingerprint != first.fingerprint
    index = CorpusIndex(corpus, index_path=index_path)
    hits = index.search("How long does cold brew steep?", limit=5).passages
    index.close()
    assert hits and hits[0].source.url == "kb/coffee.txt"
    assert "twelve hours" in hits[0].text


def test_touching_a_file_without_changing_it_rebuilds_nothing(corpus: Path, tmp_path: Path) -> None:
    index_path = tmp_path / "index.sqlite3"
    first = index_corpus(corpus, index_path=index_path)
    os.utime(corpus / "tea.md")  # new mtime, same bytes
    touched = index_corpus(corpus, index_path=index_path)
    assert not touched.rebuilt
    assert touched.fingerprint == first.fingerprint


def test_a_quick_rewrite_of_the_same_size_is_still_seen(tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    folder.mkdir()
    note = folder / "note.md"
    note.write_text("# Note\n\nThe colour is red today.\n")
    index_path = tmp_path / "index.sqlite3"
    index_corpus(folder, index_path=index_path)
    stat = note.stat()
    note.write_text("# Note\n\nThe colour is tan today.\n")  # same size
    os.utime(note, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the same timestamp
    assert time.time() - stat.st_mtime < RACY_SECONDS  # written just now: not trusted yet
    report = index_corpus(folder, index_path=index_path)
    assert report.rebuilt and report.files[0].status == "changed"


def test_added_and_removed_files(corpus: Path, tmp_path: Path) -> None:
    index_path = tmp_path / "index.sqlite3"
    index_corpus(corpus, index_path=index_path)
    (corpus / "volcano.html").unlink()
    (corpus / "guides" / "more.txt").write_text("Saddles\n\nA saddle is set level to start with.\n")
    report = index_corpus(corpus, index_path=index_path)
    statuses = {f.path: f.status for f in report.files}
    assert statuses["volcano.html"] == "removed"
    assert statuses["guides/more.txt"] == "added"
    assert report.documents == 4
    index = CorpusIndex(corpus, index_path=index_path)
    assert index.search("Iceland volcanoes", limit=5).passages == []
    index.close()


def test_hidden_files_other_formats_and_huge_files_are_left_out(
    corpus: Path, tmp_path: Path
) -> None:
    (corpus / ".hidden.md").write_text("# Hidden\n\nNever indexed.\n")
    (corpus / ".git").mkdir()
    (corpus / ".git" / "notes.md").write_text("# Git\n\nNever indexed.\n")
    (corpus / "image.png").write_bytes(b"\x89PNG")
    with (corpus / "huge.txt").open("wb") as huge:
        huge.truncate(33 * 1024 * 1024)  # sparse: larger than the limit without writing it
    report = index_corpus(corpus, index_path=tmp_path / "index.sqlite3")
    paths = {f.path: f for f in report.files}
    assert ".hidden.md" not in paths and ".git/notes.md" not in paths and "image.png" not in paths
    assert paths["huge.txt"].status == "skipped"
    assert report.skipped == (paths["huge.txt"],)
    assert report.documents == 4


def test_a_link_to_a_file_outside_the_folder_is_never_indexed(corpus: Path, tmp_path: Path) -> None:
    secret = tmp_path / "private" / "secret.md"
    secret.parent.mkdir()
    secret.write_text("# Secret\n\nThe vault code is swordfish, the keeper said.\n")
    (corpus / "leak.md").symlink_to(secret)  # used to be indexed, and quoted in answers
    (corpus / "private").symlink_to(secret.parent, target_is_directory=True)
    (corpus / "again.md").symlink_to(corpus / "tea.md")  # inside the folder: fine
    (corpus / "broken.md").symlink_to(tmp_path / "nowhere.md")
    (corpus / "loop.md").symlink_to(corpus / "loop.md")
    index = CorpusIndex(corpus, index_path=tmp_path / "index.sqlite3")
    report = index.sync()
    listed = {f.path: f for f in report.files}
    assert not any(path.startswith("private/") and path != "private/" for path in listed)
    skipped = {path: f.note for path, f in listed.items() if f.status == "skipped"}
    assert skipped == {  # listed as skipped, never read
        "leak.md": "a link to a file outside the folder (not followed)",
        "private/": "a link to a folder (links to folders are not followed)",
        "broken.md": "a broken link",
        "loop.md": "a link that cannot be followed (a loop of links?)",
    }
    assert listed["again.md"].status == "added"
    assert "skipped   leak.md: a link to a file outside the folder" in report.describe()
    assert index.sync().skipped == report.skipped  # the same list when nothing changed
    assert index.search("What is the vault code?", limit=10).passages == []
    assert all("Secret" not in p.source.title for p in index.overview(limit=100))


def test_binary_files_named_like_text_are_skipped_but_stray_nuls_are_not(
    corpus: Path, tmp_path: Path
) -> None:
    (corpus / "photo.md").write_bytes(bytes(range(256)) * 40)  # an image saved as .md
    (corpus / "archive.txt").write_bytes(gzip.compress(b"compressed words " * 2000))
    (corpus / "nul.md").write_bytes(b"# Nul\n\nA stray\x00 NUL byte leaves the rest readable.\n")
    (corpus / "latin.txt").write_bytes("Caf\xe9 cr\xe8me, a text in Latin-1.".encode("latin-1"))
    report = index_corpus(corpus, index_path=tmp_path / "index.sqlite3")
    status = {f.path: (f.status, f.note) for f in report.files}
    assert status["photo.md"][0] == status["archive.txt"][0] == "skipped"
    assert "not text" in status["photo.md"][1]
    assert status["nul.md"][0] == status["latin.txt"][0] == "added"


def test_search_ranks_the_document_about_the_question_first(corpus: Path, tmp_path: Path) -> None:
    index = CorpusIndex(corpus, index_path=tmp_path / "index.sqlite3")
    index.sync()
    cases = {
        "What temperature is green tea brewed at?": "https://tea.example.org/green",
        "How coarse should coffee for a French press be ground?": "kb/coffee.txt",
        "When did Eyjafjallajökull erupt?": "https://geo.example.org/iceland-volcanoes",
        "How often should a bicycle chain be oiled?": "kb/guides/bikes.md",
    }
    for question, url in cases.items():
        hits = index.search(question, limit=10).passages
        assert hits, question
        assert hits[0].source.url == url, question
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert index.search("Who won the 1930 football final?", limit=10).passages == []
    assert index.search("what is it", limit=10).passages == []
    assert (
        index.search('" OR NEAR( * ) -- ;', limit=10).passages == []
    )  # query syntax is never passed on
    index.close()


def test_search_finds_words_in_headings_and_code(corpus: Path, tmp_path: Path) -> None:
    index = CorpusIndex(corpus, index_path=tmp_path / "index.sqlite3")
    index.sync()
    assert index.search("caffeine", limit=3).passages[0].heading == "Caffeine"
    assert index.search("brew --minutes", limit=3).passages[0].heading == "Steeping time"
    index.close()


def test_an_unwritable_index_path_falls_back_to_memory(corpus: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the index folder should be")
    report = index_corpus(corpus, index_path=blocker / "index.sqlite3")
    assert report.index_path is None
    assert report.documents == 4
    assert "memory" in report.describe()


def test_a_damaged_index_file_is_rebuilt(corpus: Path, tmp_path: Path) -> None:
    index_path = tmp_path / "index.sqlite3"
    index_path.write_bytes(b"this is not a database" * 100)
    report = index_corpus(corpus, index_path=index_path)
    assert report.index_path == index_path and report.documents == 4


def test_an_index_path_that_is_a_folder_holds_the_index_file(corpus: Path, tmp_path: Path) -> None:
    folder = tmp_path / "indexes"
    folder.mkdir()
    report = index_corpus(corpus, index_path=folder)
    assert report.index_path == folder / default_index_path(corpus).name
    assert report.index_path.is_file()


def test_the_default_index_lives_in_the_cache_home_not_the_folder(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = default_index_path(corpus)
    assert path.parent == tmp_path / "cache" / "factbot"
    assert path != default_index_path(tmp_path)  # one index per folder
    report = index_corpus(corpus)
    assert report.index_path == path and path.is_file()
    assert not any(p.suffix == ".sqlite3" for p in corpus.rglob("*"))
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # not absolute: ignored
    assert default_index_path(corpus).parent == Path.home() / ".cache" / "factbot"


def test_two_indexes_on_one_file_take_turns(corpus: Path, tmp_path: Path) -> None:
    index_path = tmp_path / "index.sqlite3"
    reports = []

    def run() -> None:
        index = CorpusIndex(corpus, index_path=index_path)
        reports.append(index.sync())
        index.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({r.fingerprint for r in reports}) == 1
    assert sum(r.rebuilt for r in reports) == 1  # one built it, the others found it done
    assert all(r.documents == 4 for r in reports)
