"""The quality harness's own logic on tiny inputs: gold validation, scoring, the baseline, the
corpus installer and one end-to-end run over a small corpus of our own (no downloads)."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from bench.quality import corpora
from bench.quality.baseline import BaselineError, BM25Baseline
from bench.quality.corpora import CORPORA, Corpus, InstalledCorpus, install
from bench.quality.questions import (
    GoldError,
    Question,
    QuestionSet,
    fold,
    load_questions,
    page_text,
    parse_questions,
    validate,
)
from bench.quality.run import evaluate, table, to_json
from bench.quality.scoring import Reply, SummaryClaim, page_of, score, summarise

HERE = Path(__file__).resolve().parents[2] / "bench" / "quality"

GOLD = Question(
    "q1", "what does zip() do?", "answerable", ("api",), ("lib/zip.html",), ("shortest iterable",)
)


def claim(text: str, *pages: str) -> SummaryClaim:
    return SummaryClaim(text, frozenset(pages))


def reply(*claims: SummaryClaim, also: tuple[str, ...] = (), text: str = "") -> Reply:
    pages = frozenset(p for c in claims for p in c.pages) | frozenset(also)
    return Reply(tuple(claims), pages, text=text, sections=1, follow_ups=3)


# --- normalisation and page text -------------------------------------------------------------


def test_fold_ignores_case_whitespace_quotes_and_pilcrows() -> None:
    assert fold("  An  Object’s\n IDENTITY¶ ") == "an object's identity"
    assert fold("“official”") == '"official"'


def test_page_text_keeps_inline_words_whole_and_drops_scripts(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text(
        "<html><script>var secret = 'phrase in script';</script><body><p>special "
        "<a href='#'>method</a>s &amp; more</p><p>next</p></body></html>"
    )
    text = fold(page_text(page))
    assert "special methods & more" in text
    assert "more next" in text  # block tags separate words
    assert "phrase in script" not in text


# --- question sets and gold validation -------------------------------------------------------


def test_parse_lists_every_malformed_question() -> None:
    data = {
        "corpus": "x",
        "questions": [
            {"id": "a", "q": "fine?", "pages": ["p.html"], "phrases": ["yes"]},
            {"id": "a", "q": "duplicate id", "pages": ["p.html"], "phrases": ["yes"]},
            {"id": "b", "q": "no gold"},
            {"id": "c", "q": "uncovered with gold", "kind": "uncovered", "pages": ["p.html"]},
            {"id": "d", "q": "bad kind", "kind": "maybe"},
            {"id": "e", "q": "typo", "phrase": ["x"], "pages": ["p.html"], "phrases": ["y"]},
        ],
    }
    with pytest.raises(GoldError) as caught:
        parse_questions(data)
    message = str(caught.value)
    for expected in (
        "a: duplicate id",
        "b: needs gold",
        "c: an uncovered",
        "d: kind",
        "e: unknown",
    ):
        assert expected in message


def test_validate_accepts_phrases_across_markup_case_and_quotes(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "zip.html").write_text(
        "<p>Stops when the <em>Shortest</em>\n   iterable is exhausted; an object’s id.</p>"
    )
    good = QuestionSet("t", (GOLD,))
    validate(good, ["lib/zip.html"], lambda p: page_text(tmp_path / p))
    quoted = Question("q2", "?", "answerable", (), ("lib/zip.html",), ("an object's id",))
    validate(QuestionSet("t", (quoted,)), ["lib/zip.html"], lambda p: page_text(tmp_path / p))


def test_validate_fails_loudly_on_missing_pages_and_phrases(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text("<p>the real text</p>")
    questions = QuestionSet(
        "t",
        (
            Question("gone", "?", "answerable", (), ("missing.html",), ("real",)),
            Question("wrong", "?", "answerable", (), ("a.html",), ("invented phrase",)),
            Question("ok", "?", "answerable", (), ("a.html",), ("REAL text",)),
        ),
    )
    with pytest.raises(GoldError) as caught:
        validate(questions, ["a.html"], lambda p: page_text(tmp_path / p))
    message = str(caught.value)
    assert "gone: gold page 'missing.html' is not in the corpus" in message
    assert "wrong: gold phrase 'invented phrase' occurs in none of a.html" in message
    assert "ok:" not in message


def test_shipped_question_sets_have_the_promised_composition() -> None:
    for name, minimum, uncovered in (("python", 60, 12), ("sqlite", 20, 6)):
        questions = load_questions(HERE / CORPORA[name].questions)
        assert questions.corpus == name
        assert len(questions.questions) >= minimum
        assert len(questions.of_kind("uncovered")) >= uncovered
        assert questions.of_kind("false_premise")
    python = load_questions(HERE / "python.yaml")
    symbols = [q.q for q in python.questions if "symbol" in q.tags]
    for needle in ("==", "**kwargs", "os.path.join", "zip()", "__init__"):
        assert any(needle in q for q in symbols), needle


# --- scoring ---------------------------------------------------------------------------------


def test_answered_needs_a_gold_citation_and_a_gold_phrase_in_the_summary() -> None:
    right = score(GOLD, reply(claim("the SHORTEST\n iterable wins", "lib/zip.html")))
    assert right.answered and right.gold_cited and right.failure == ""


def test_answer_from_a_wrong_page_or_outside_the_summary_is_not_answered() -> None:
    wrong_page = score(GOLD, reply(claim("shortest iterable", "lib/other.html")))
    assert not wrong_page.answered and wrong_page.failure == "no gold page cited"
    elsewhere = score(
        GOLD,
        reply(claim("shortest iterable", "lib/other.html"), also=("lib/zip.html",)),
    )
    assert not elsewhere.answered
    assert elsewhere.gold_cited and elsewhere.failure == "gold page only outside the summary"
    misses = score(GOLD, reply(claim("zip makes tuples", "lib/zip.html")))
    assert misses.failure == "summary misses the answer"
    in_section = score(
        GOLD, reply(claim("zip makes tuples", "lib/zip.html"), text="the shortest iterable")
    )
    assert not in_section.answered and in_section.anywhere


def test_not_covered_is_honest_only_for_uncovered_questions() -> None:
    uncovered = Question("u", "How do I center a div?", "uncovered")
    assert score(uncovered, reply()).failure == ""
    assert score(uncovered, reply(claim("css class", "lib/cal.html"))).failure == "off-topic report"
    assert score(GOLD, reply()).failure == "said not covered"
    failed = Reply((), frozenset(), error="RuntimeError()")
    assert score(uncovered, failed).failure == "error"


def test_page_of_maps_source_urls_to_the_longest_known_page() -> None:
    pages = {"library/os.html", "library/os.path.html", "path.html"}
    assert page_of("python/library/os.path.html#os.path.join", pages) == "library/os.path.html"
    assert page_of("file:///x/python/library/os.html?a=1", pages) == "library/os.html"
    assert page_of("https://elsewhere.example/page", pages) == "https://elsewhere.example/page"


def test_summarise_counts_by_kind_and_reports_latency_percentiles() -> None:
    uncovered = Question("u", "?", "uncovered")
    premise = Question("f", "?", "false_premise", (), ("lib/zip.html",), ("shortest iterable",))
    scores = [
        score(GOLD, Reply((claim("shortest iterable", "lib/zip.html"),), frozenset({"lib/zip.html"}), sections=2, follow_ups=4, seconds=0.010)),
        score(GOLD, Reply((), frozenset(), sections=0, follow_ups=2, seconds=0.030)),
        score(uncovered, Reply((), frozenset(), sections=0, follow_ups=3, seconds=0.020)),
        score(premise, Reply((claim("no", "lib/a.html"),), frozenset({"lib/a.html"}), sections=4, follow_ups=5, seconds=0.040, furniture=1)),
    ]  # fmt: skip
    summary = summarise(scores)
    assert summary.counts == {"answerable": 2, "uncovered": 1, "false_premise": 1}
    assert summary.answered == 0.5
    assert summary.answerable_not_covered == 0.5
    assert summary.not_covered_honest == 1.0
    assert summary.premise_corrected == 0.0
    assert summary.mean_sections == 3.0  # over the two reports that cite something
    assert summary.mean_follow_ups == 3.5
    assert summary.furniture == 0.25
    assert summary.p50_ms == pytest.approx(30.0)
    assert summary.p90_ms == pytest.approx(40.0)
    assert summary.failures == {"said not covered": 1}
    assert summary.answered_by_tag == {"api": (1, 2)}


# --- the baseline ----------------------------------------------------------------------------


def test_baseline_returns_the_top_three_passages_and_nothing_without_a_shared_word() -> None:
    rows = [(f"p{n}.html", f"filler words number {n}") for n in range(5)]
    rows.append(("zip.html", "zip stops at the shortest iterable"))
    baseline = BM25Baseline(rows)
    try:
        found = baseline.ask("What does zip() do when lists differ?")
        assert found.summary[0].text == "zip stops at the shortest iterable"
        assert found.summary[0].pages == {"zip.html"}
        assert len(baseline.ask("filler number").summary) == 3
        assert not baseline.ask("== ?").covered  # no word at all: nothing found
        assert not baseline.ask("kangaroo").covered
    finally:
        baseline.close()


def test_baseline_reads_the_passages_of_an_index_file_and_names_a_changed_schema(
    tmp_path: Path,
) -> None:
    index = tmp_path / "index.sqlite3"
    with sqlite3.connect(index) as conn:
        conn.execute("CREATE TABLE passages(path TEXT, ordinal INTEGER, text TEXT)")
        conn.execute("INSERT INTO passages VALUES ('a.html', 0, 'alpha beta')")
    conn.close()
    assert BM25Baseline.from_index(index).ask("beta").pages == {"a.html"}
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).close()
    with pytest.raises(BaselineError, match="passages"):
        BM25Baseline.from_index(other)


# --- the corpus installer --------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="needs dpkg-deb (Debian tools)")
def test_install_unpacks_only_the_subset_and_reuses_it(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    docs = package / "usr" / "share" / "doc" / "tiny"
    (docs / "guide").mkdir(parents=True)
    (docs / "guide" / "a.html").write_text("<p>guide page</p>")
    (docs / "guide" / "logo.png").write_bytes(b"\x89PNG")
    (docs / "skipped").mkdir()
    (docs / "skipped" / "b.html").write_text("<p>not in the subset</p>")
    (docs / "top.html").write_text("<p>top</p>")
    (package / "DEBIAN").mkdir()
    (package / "DEBIAN" / "control").write_text(
        "Package: tiny-doc\nVersion: 1.0-1\nArchitecture: all\nMaintainer: t <t@example.org>\n"
        "Description: tiny\n"
    )
    cache = tmp_path / "cache"
    (cache / "downloads").mkdir(parents=True)
    subprocess.run(
        ["dpkg-deb", "--build", str(package), str(cache / "downloads" / "tiny-doc_1.0-1_all.deb")],
        check=True,
        capture_output=True,
    )
    corpus = Corpus("tiny", "tiny-doc", "1.0-1", "usr/share/doc/tiny", ("guide", "*.html"), "", "")
    installed = install(corpus, cache, log=False)
    assert installed.version == "1.0-1"
    assert installed.pages() == ["guide/a.html", "top.html"]
    assert not (installed.folder / "guide" / "logo.png").exists()
    (installed.folder / "guide" / "a.html").write_text("<p>edited</p>")
    assert install(corpus, cache, log=False).folder == installed.folder
    assert (installed.folder / "guide" / "a.html").read_text() == "<p>edited</p>"  # reused
    changed = Corpus("tiny", "tiny-doc", "1.0-1", "usr/share/doc/tiny", ("guide",), "", "")
    assert install(changed, cache, log=False).pages() == ["guide/a.html"]  # another subset: rebuilt


def test_a_missing_package_tool_is_a_clear_setup_error() -> None:
    with pytest.raises(corpora.CorpusSetupError, match="not installed"):
        corpora._run(["no-such-tool-for-factbot"], what="testing")


# --- end to end on a corpus of our own -------------------------------------------------------


async def test_evaluate_scores_factbot_and_the_baseline_on_a_small_corpus(tmp_path: Path) -> None:
    folder = tmp_path / "tiny"
    folder.mkdir()
    (folder / "zip.html").write_text(
        "<html><head><title>zip</title></head><body><h1>The zip function</h1>"
        "<p>The zip function pairs items from several lists. It stops when the shortest "
        "iterable is exhausted, so extra items are dropped. Pass strict=True to get an error "
        "instead.</p></body></html>"
    )
    (folder / "sorting.html").write_text(
        "<html><head><title>Sorting</title></head><body><h1>Sorting lists</h1>"
        "<p>The sorted function builds a new sorted list from any iterable. The list sort method "
        "modifies the list in place and returns None. Both accept a key function.</p>"
        "</body></html>"
    )
    questions = QuestionSet(
        "tiny",
        (
            Question("zip", "what does zip do with lists of different lengths", "answerable",
                     ("api",), ("zip.html",), ("shortest iterable is exhausted",)),
            Question("css", "how do I center a div in css", "uncovered"),
        ),
    )  # fmt: skip
    corpus = Corpus("tiny", "tiny-doc", "1", "", (), "", "a tiny corpus")
    installed = InstalledCorpus(corpus, folder, tmp_path / "index.sqlite3", "1")
    result = await evaluate(installed, questions)
    factbot, _ = result.summaries()
    assert factbot.counts == {"answerable": 1, "uncovered": 1, "false_premise": 0}
    assert result.baseline[0].answered  # the baseline reads the index factbot built
    assert result.baseline[0].reply.summary[0].pages == {"zip.html"}
    assert factbot.p50_ms is not None and factbot.p50_ms > 0
    assert result.factbot[0].reply.follow_ups is not None
    printed = table(result)
    assert "answered (answerable, n=1)" in printed and "BM25 top-3" in printed
    document = json.loads(json.dumps(to_json(result)))
    assert [q["id"] for q in document["questions"]] == ["zip", "css"]
