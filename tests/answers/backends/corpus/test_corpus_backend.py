"""The corpus backend end to end: real files, the real index, the real engine and Redis."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from answers import AnswerEngine, MemoryStore, Progress, RedisStore, Stage
from answers.backends.corpus import ENGINE, CorpusBackend
from tests.answers.backends.corpus_samples import (
    SAMPLE_FILES,
    assert_quotes_are_verbatim,
    write_sample_corpus,
)

REPO = Path(__file__).resolve().parents[4]
DOCS = REPO / "docs"
CHECKED_ON = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)
COVERED = [
    "How is green tea brewed?",
    "How long should green tea steep?",
    "Why does Iceland have so many volcanoes?",
    "How are coffee beans roasted and ground?",
    "How often should a bicycle chain be oiled?",
]


def engine_for(folder: Path, index_path: Path, **options: object) -> AnswerEngine:
    backend = CorpusBackend(folder, index_path=index_path, **options)  # type: ignore[arg-type]
    return AnswerEngine(backend, MemoryStore(), clock=lambda: CHECKED_ON)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_sample_corpus(tmp_path / "kb")


async def test_the_first_run_answers_how_factbot_caches_answers(tmp_path: Path) -> None:
    engine = engine_for(DOCS, tmp_path / "docs.sqlite3")
    answer = await engine.ask("How does factbot cache answers?")
    await engine.aclose()
    assert answer.sources, "docs/ must cover the demo question"
    assert answer.sources[0].url == "docs/caching.md"
    assert answer.sources[0].title == "How factbot caches answers"
    assert 2 <= len(answer.summary) <= 4 and 3 <= len(answer.sections) <= 8
    assert 3 <= len(answer.follow_ups) <= 5
    assert answer.engine == ENGINE
    body = " ".join(c.text for c in answer.all_claims())
    for fact in ("q:", "24 hours", "30 days"):
        assert fact in body
    assert assert_quotes_are_verbatim(answer, DOCS) >= 5


async def test_every_quote_is_verbatim_in_the_document_it_cites(
    corpus: Path, tmp_path: Path
) -> None:
    engine = engine_for(corpus, tmp_path / "index.sqlite3")
    for question in COVERED:
        answer = await engine.ask(question)
        assert answer.sources, question
        assert assert_quotes_are_verbatim(answer, corpus) >= 2, question
    await engine.aclose()


async def test_the_right_document_leads(corpus: Path, tmp_path: Path) -> None:
    engine = engine_for(corpus, tmp_path / "index.sqlite3")
    tea = await engine.ask("What temperature should green tea be brewed at?")
    volcano = await engine.ask("When did Eyjafjallajökull erupt?")
    await engine.aclose()
    assert tea.sources[0].url == "https://tea.example.org/green"
    assert tea.sources[0].publisher == "Tea Guild"
    assert str(tea.sources[0].published) == "2025-03-14"
    assert volcano.sources[0].url == "https://geo.example.org/iceland-volcanoes"
    assert any("2010" in c.text for c in volcano.summary)


async def test_an_uncovered_question_gets_the_honest_report(corpus: Path, tmp_path: Path) -> None:
    engine = engine_for(corpus, tmp_path / "index.sqlite3")
    answer = await engine.ask("Who won the 1930 football final?")
    await engine.aclose()
    assert answer.sources == () and answer.sections == ()
    assert all(not c.cites for c in answer.all_claims())
    assert "The 4 documents searched do not cover this question" in answer.summary[0].text
    assert "“1930”" in answer.summary[1].text and "“football”" in answer.summary[1].text
    # The follow-ups point at what the corpus does cover, from its own headings.
    headings = (
        "green tea",
        "brewing temperature",
        "steeping time",
        "caffeine",
        "grinding",
        "storing beans",
        "brakes",
        "volcano",
        "coffee",
        "bicycle",
    )
    assert all(any(h in f.lower() for h in headings) for f in answer.follow_ups)
    assert 3 <= len(answer.follow_ups) <= 5


async def test_an_empty_folder_says_there_was_nothing_to_search(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    engine = engine_for(tmp_path / "empty", tmp_path / "index.sqlite3")
    answer = await engine.ask("How is green tea brewed?")
    await engine.aclose()
    assert answer.sources == ()
    assert answer.summary[0].text.startswith("There were no documents to search")
    assert 3 <= len(answer.follow_ups) <= 5


async def test_same_corpus_and_clock_give_byte_identical_json(corpus: Path, tmp_path: Path) -> None:
    first = engine_for(corpus, tmp_path / "one.sqlite3")
    second = engine_for(corpus, tmp_path / "two.sqlite3")
    for question in [*COVERED, "Who won the 1930 football final?"]:
        a = await first.ask(question)
        b = await second.ask(question)
        assert a.to_json() == b.to_json(), question
    await first.aclose()
    await second.aclose()


@pytest.mark.slow
def test_json_is_identical_across_processes_and_hash_seeds(corpus: Path, tmp_path: Path) -> None:
    script = """
import asyncio, sys
from datetime import UTC, datetime
from pathlib import Path
from answers import AnswerEngine, MemoryStore
from answers.backends.corpus import CorpusBackend

async def main():
    backend = CorpusBackend(Path(sys.argv[1]), index_path=Path(sys.argv[2]))
    engine = AnswerEngine(backend, MemoryStore(), clock=lambda: datetime(2026, 1, 1, tzinfo=UTC))
    for question in sys.argv[3:]:
        print((await engine.ask(question)).to_json())
    await engine.aclose()

asyncio.run(main())
"""
    outputs = []
    for seed in ("1", "2"):
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                script,
                str(corpus),
                str(tmp_path / f"{seed}.sqlite3"),
                *COVERED[:3],
                "Who won the 1930 football final?",
            ],
            capture_output=True,
            text=True,
            check=True,
            cwd=REPO,
            timeout=60,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]
    assert len(outputs[0].splitlines()) == 4


async def test_progress_reports_searching_reading_writing(corpus: Path, tmp_path: Path) -> None:
    events: list[Progress] = []

    async def record(event: Progress) -> None:
        events.append(event)

    engine = engine_for(corpus, tmp_path / "index.sqlite3")
    await engine.ask("How is green tea brewed?", progress=record)
    await engine.aclose()
    assert [e.stage for e in events] == [Stage.SEARCHING, Stage.READING, Stage.WRITING, Stage.DONE]
    reading = events[1]
    assert reading.total >= 1 and reading.done == reading.total
    assert reading.note == "4 documents searched"


async def test_editing_a_document_changes_the_namespace_and_the_answer(
    corpus: Path, tmp_path: Path, redis_store: RedisStore
) -> None:
    backend = CorpusBackend(corpus, index_path=tmp_path / "index.sqlite3", recheck_interval=0)
    engine = AnswerEngine(backend, redis_store, clock=lambda: CHECKED_ON)
    question = "How many volcanoes does Iceland have?"
    first = await engine.ask_traced(question)
    again = await engine.ask_traced(question)
    assert (first.cache, again.cache) == ("miss", "hit")
    assert again.answer.to_json() == first.answer.to_json()
    namespace = backend.cache_namespace

    os.utime(corpus / "volcano.html")  # touched, not changed: the cache still answers
    assert backend.cache_namespace == namespace
    assert (await engine.ask_traced(question)).cache == "hit"

    html = SAMPLE_FILES["volcano.html"].replace("about 130 volcanoes", "about 135 volcanoes")
    (corpus / "volcano.html").write_text(html)
    await namespace_change(backend, namespace)  # noticed by the background watcher
    edited = await engine.ask_traced(question)
    assert edited.cache == "miss"
    assert "about 135 volcanoes" in " ".join(c.text for c in edited.answer.all_claims())
    await engine.aclose()


async def namespace_change(backend: CorpusBackend, old: str) -> str:
    for _ in range(500):
        if backend.cache_namespace != old:
            return backend.cache_namespace
        await asyncio.sleep(0.01)
    raise AssertionError("the corpus change was never noticed")


async def test_reading_the_namespace_never_looks_at_the_folder(
    corpus: Path, tmp_path: Path
) -> None:
    backend = CorpusBackend(corpus, index_path=tmp_path / "index.sqlite3", recheck_interval=60)
    namespace = backend.cache_namespace  # the first read indexes (factbot run does it at start)
    assert namespace.startswith("corpus:")
    (corpus / "tea.md").write_text("# Tea\n\nNow a different text entirely.\n")
    assert backend.cache_namespace == namespace  # the watcher's next look is a minute away
    report = await backend.refresh()
    assert report.rebuilt
    assert backend.cache_namespace != namespace
    await backend.aclose()


async def test_documents_with_markup_huge_and_odd_text(tmp_path: Path) -> None:
    folder = tmp_path / "odd"
    folder.mkdir()
    (folder / "markup.html").write_text(
        "<title>Kettle &lt;safety&gt; @everyone</title><script>steal()</script>"
        "<h1>Kettle <b>safety</b></h1><p>A kettle must never boil dry, or its element burns "
        "out. <!channel> Descale the kettle every month in hard-water areas.</p>"
        "<p>Kettle lids should be closed before boiling, so the switch turns off.</p>",
        encoding="utf-8",
    )
    paragraph = "The kettle heats water for tea quickly and safely every single morning. "
    (folder / "huge.md").write_text(
        "# Huge kettle manual\n\n"
        + "\n\n".join(paragraph * 5 for _ in range(3000))
        + "\n\n"
        + "kettle " * 100_000
        + "\n",
        encoding="utf-8",
    )
    (folder / "odd.txt").write_bytes(
        "Ünïcödé kettle notes\n\nThe kettle 🫖 whistles\u200b loudly at 100 °C, e\u0301 "
        "\u202eevil\u202c text included.\n\nA kettle \x00 with \x1b[2J bad bytes \xff works too.\n".encode(
            "utf-8", errors="surrogateescape"
        )
        + b"\xff\xfe"
    )
    engine = engine_for(folder, tmp_path / "index.sqlite3")
    answer = await engine.ask("How do I use a kettle safely?")
    await engine.aclose()
    assert answer.sources
    assert assert_quotes_are_verbatim(answer, folder) >= 2
    for claim in answer.all_claims():
        assert "steal()" not in claim.text and "\x00" not in claim.text
        assert len(claim.text) <= 2000
    assert answer.to_json() == type(answer).from_json(answer.to_json()).to_json()
    json.loads(answer.to_json())


async def test_files_left_out_are_a_limitation(corpus: Path, tmp_path: Path) -> None:
    with (corpus / "huge.txt").open("wb") as huge:
        huge.truncate(33 * 1024 * 1024)
    engine = engine_for(corpus, tmp_path / "index.sqlite3")
    answer = await engine.ask("How is green tea brewed?")
    await engine.aclose()
    lines = [c.text for c in answer.limitations]
    assert "1 file in the corpus could not be read and was left out." in lines


async def test_refresh_reports_what_it_indexed(corpus: Path, tmp_path: Path) -> None:
    backend = CorpusBackend(corpus, index_path=tmp_path / "index.sqlite3")
    report = await backend.refresh()
    assert report.documents == 4 and report.rebuilt
    again = await backend.refresh()
    assert not again.rebuilt
    await backend.aclose()


async def test_an_index_in_memory_answers_and_survives_aclose(corpus: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the index folder should be")
    backend = CorpusBackend(corpus, index_path=blocker / "index.sqlite3")
    engine = AnswerEngine(backend, MemoryStore(), clock=lambda: CHECKED_ON)
    first = await engine.ask("How is green tea brewed?")
    assert backend.index.is_in_memory and first.sources
    await engine.aclose()
    again = await engine.ask("How long should green tea steep?")  # rebuilt in memory on use
    assert again.sources
    await engine.aclose()
