"""Run the quality harness: factbot's corpus backend beside a plain BM25 baseline.

    python -m bench.quality [--corpus python|second|all] [--verbose] [--json [FILE]]
    make quality [QUALITY_ARGS="--corpus python -v"]

Installs the corpus (a Debian documentation package) into the cache folder on
first use, checks every gold page and phrase against it, indexes it with
factbot's real `CorpusBackend` (index on disk in the cache folder), then asks
every question through a fresh `AnswerEngine` with an empty in-memory store
(warm index, cold cache) and scores factbot and the baseline the same way.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from answers import Answer, AnswerEngine, MemoryStore
from answers.backends.corpus import CorpusBackend
from bench.quality.baseline import BaselineError, BM25Baseline
from bench.quality.corpora import (
    CORPORA,
    Corpus,
    CorpusSetupError,
    InstalledCorpus,
    default_cache,
    fingerprint,
    install,
)
from bench.quality.questions import (
    GoldError,
    QuestionSet,
    load_questions,
    page_text,
    validate,
)
from bench.quality.scoring import Reply, Score, Summary, SummaryClaim, page_of, score, summarise

__all__ = ["main"]

HERE = Path(__file__).resolve().parent
ALIASES = {"second": ["sqlite"], "all": ["python", "sqlite"]}
# Page furniture that should never reach a report's summary, headings or follow-ups.
FURNITURE = ("¶", "table of contents", "previous topic", "next topic", "this page", "navigation")


@dataclass(frozen=True)
class CorpusResult:
    installed: InstalledCorpus
    questions: QuestionSet
    passages: int
    index_seconds: float
    index_rebuilt: bool
    factbot: list[Score]
    baseline: list[Score]
    load: float  # the 1-minute load average when the questions were asked

    def summaries(self) -> tuple[Summary, Summary]:
        return summarise(self.factbot), summarise(self.baseline)


def reply_of(answer: Answer, pages: frozenset[str], seconds: float) -> Reply:
    """factbot's report, reduced to what the scorer reads."""
    page = {s.n: page_of(s.url, pages) for s in answer.sources}
    summary = tuple(
        SummaryClaim(
            c.text + (f"\n{c.code}" if c.code else ""), frozenset(page[n] for n in c.cites)
        )
        for c in answer.summary
    )
    body = [s.heading for s in answer.sections]
    body += [c.text + (f"\n{c.code}" if c.code else "") for s in answer.sections for c in s.claims]
    shown = [c.text for c in answer.summary] + [s.heading for s in answer.sections]
    shown += list(answer.follow_ups)
    furniture = sum(any(f in line.casefold() for f in FURNITURE) for line in shown)
    return Reply(
        summary=summary,
        pages=frozenset(page.values()),
        text="\n".join(body),
        sections=len(answer.sections),
        follow_ups=len(answer.follow_ups),
        seconds=seconds,
        furniture=furniture,
    )


async def evaluate(installed: InstalledCorpus, questions: QuestionSet) -> CorpusResult:
    backend = CorpusBackend(installed.folder, index_path=installed.index_path)
    try:
        start = time.perf_counter()
        report = await backend.refresh()
        index_seconds = time.perf_counter() - start
        pages = frozenset(installed.pages())
        baseline = BM25Baseline.from_index(installed.index_path)
        factbot_scores: list[Score] = []
        baseline_scores: list[Score] = []
        for q in questions.questions:
            engine = AnswerEngine(backend, MemoryStore())  # cold cache for every question
            start = time.perf_counter()
            try:
                answer = await engine.ask(q.q)
                reply = reply_of(answer, pages, time.perf_counter() - start)
            except Exception as exc:  # a failure is a result, not a crash of the harness
                reply = Reply((), frozenset(), seconds=time.perf_counter() - start, error=repr(exc))
            finally:
                await engine.aclose()
            factbot_scores.append(score(q, reply))
            baseline_scores.append(score(q, baseline.ask(q.q)))
        baseline.close()
    finally:
        await backend.aclose()
    return CorpusResult(
        installed,
        questions,
        report.passages,
        index_seconds,
        report.rebuilt,
        factbot_scores,
        baseline_scores,
        os.getloadavg()[0],
    )


# --- printing ---------------------------------------------------------------------


def _pct(value: float | None, part: int | None = None, whole: int | None = None) -> str:
    if value is None:
        return "—"
    text = f"{value * 100:5.1f}%"
    return f"{text} ({part}/{whole})" if part is not None and whole is not None else text


def _num(value: float | None, unit: str = "", digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}{unit}"


def table(result: CorpusResult) -> str:
    fb, bl = result.summaries()
    c = fb.counts
    n_ans, n_unc, n_fp = c["answerable"], c["uncovered"], c["false_premise"]

    def count(scores: list[Score], kind: str, attr: str) -> int:
        return sum(bool(getattr(s, attr)) for s in scores if s.question.kind == kind)

    def not_covered(scores: list[Score], kind: str) -> int:
        return sum(
            not s.reply.covered and not s.reply.error for s in scores if s.question.kind == kind
        )

    rows: list[tuple[str, str, str]] = [
        (
            f"answered (answerable, n={n_ans})",
            _pct(fb.answered, count(result.factbot, "answerable", "answered"), n_ans),
            _pct(bl.answered, count(result.baseline, "answerable", "answered"), n_ans),
        ),
        (
            "gold page cited (answerable)",
            _pct(fb.gold_cited, count(result.factbot, "answerable", "gold_cited"), n_ans),
            _pct(bl.gold_cited, count(result.baseline, "answerable", "gold_cited"), n_ans),
        ),
        (
            "answer anywhere in report (lenient)",
            _pct(fb.anywhere, count(result.factbot, "answerable", "anywhere"), n_ans),
            _pct(bl.anywhere, count(result.baseline, "answerable", "anywhere"), n_ans),
        ),
        (
            "said not covered (answerable)",
            _pct(fb.answerable_not_covered, not_covered(result.factbot, "answerable"), n_ans),
            _pct(bl.answerable_not_covered, not_covered(result.baseline, "answerable"), n_ans),
        ),
        (
            f'honest "not covered" (uncovered, n={n_unc})',
            _pct(fb.not_covered_honest, not_covered(result.factbot, "uncovered"), n_unc),
            _pct(bl.not_covered_honest, not_covered(result.baseline, "uncovered"), n_unc),
        ),
        (
            f"false premise corrected (n={n_fp})",
            _pct(fb.premise_corrected, count(result.factbot, "false_premise", "answered"), n_fp),
            _pct(bl.premise_corrected, count(result.baseline, "false_premise", "answered"), n_fp),
        ),
        (
            "false premise: said not covered",
            _pct(fb.premise_not_covered, not_covered(result.factbot, "false_premise"), n_fp),
            _pct(bl.premise_not_covered, not_covered(result.baseline, "false_premise"), n_fp),
        ),
        ("mean sections (sourced reports)", _num(fb.mean_sections), "—"),
        ("mean follow-ups", _num(fb.mean_follow_ups), "—"),
        ("reports with page furniture (¶, nav)", _pct(fb.furniture), "—"),
        (
            "latency p50 / p90",
            f"{_num(fb.p50_ms, ' ms', 0)} / {_num(fb.p90_ms, ' ms', 0)}",
            f"{_num(bl.p50_ms, ' ms', 1)} / {_num(bl.p90_ms, ' ms', 1)}",
        ),
    ]
    inst = result.installed
    state = f"built in {result.index_seconds:.1f} s" if result.index_rebuilt else "on disk"
    head = [
        f"== {inst.corpus.name}: {inst.corpus.description}",
        f"   Debian {inst.corpus.package} {inst.version}, {len(inst.pages())} pages "
        f"(fingerprint {fingerprint(inst.folder)}), {result.passages} passages; index {state}",
        f"   {len(result.questions.questions)} questions: {n_ans} answerable, {n_unc} uncovered, "
        f"{n_fp} false premise",
        f"   load average {result.load:.1f} on {os.cpu_count()} cores "
        "(latency is noisy on a busy machine: compare it with the baseline's)",
        "",
        f"{'':<40} {'factbot':>18}   {'BM25 top-3':>18}",
    ]
    lines = [f"{name:<40} {a:>18}   {b:>18}" for name, a, b in rows]
    tail = [
        "",
        "factbot failures: " + (_kinds(fb.failures) or "none"),
        "baseline failures: " + (_kinds(bl.failures) or "none"),
        "factbot answered by tag: "
        + ", ".join(f"{t} {a}/{n}" for t, (a, n) in fb.answered_by_tag.items()),
        "baseline answered by tag: "
        + ", ".join(f"{t} {a}/{n}" for t, (a, n) in bl.answered_by_tag.items()),
    ]
    return "\n".join(head + lines + tail)


def _kinds(failures: dict[str, int]) -> str:
    return ", ".join(f"{kind} {n}" for kind, n in failures.items())


def _mark(s: Score) -> str:
    if s.question.kind == "uncovered":
        return "ok" if not s.failure else s.failure
    return "answered" if s.answered else s.failure


def rows(result: CorpusResult) -> str:
    lines = [f"{'id':<24} {'kind':<13} {'factbot':<36} {'baseline':<36} {'ms':>5}  question"]
    for f, b in zip(result.factbot, result.baseline, strict=True):
        q = f.question
        lines.append(
            f"{q.id:<24} {q.kind:<13} {_mark(f):<36} {_mark(b):<36} "
            f"{f.reply.seconds * 1e3:5.0f}  {q.q}"
        )
        if f.failure and f.reply.summary:
            first = " ".join(f.reply.summary[0].text.split())
            cited = ", ".join(sorted(f.reply.pages)) or "nothing"
            lines.append(f"{'':<24} factbot said: {first[:110]!r}  cites: {cited[:120]}")
        if f.reply.error:
            lines.append(f"{'':<24} factbot failed: {f.reply.error[:200]}")
    return "\n".join(lines)


def _score_json(s: Score) -> dict[str, Any]:
    return {
        "answered": s.answered,
        "gold_page_cited": s.gold_cited,
        "answer_anywhere": s.anywhere,
        "covered": s.reply.covered,
        "failure": s.failure,
        "ms": round(s.reply.seconds * 1e3, 1),
        "sections": s.reply.sections,
        "follow_ups": s.reply.follow_ups,
        "cited_pages": sorted(s.reply.pages),
        "summary": [c.text for c in s.reply.summary],
        "error": s.reply.error or None,
    }


def to_json(result: CorpusResult) -> dict[str, Any]:
    fb, bl = result.summaries()
    inst = result.installed
    return {
        "corpus": inst.corpus.name,
        "package": inst.corpus.package,
        "version": inst.version,
        "pages": len(inst.pages()),
        "fingerprint": fingerprint(inst.folder),
        "passages": result.passages,
        "index": str(inst.index_path),
        "load_average": round(result.load, 2),
        "factbot": fb.to_json(),
        "baseline": bl.to_json(),
        "questions": [
            {
                "id": f.question.id,
                "q": f.question.q,
                "kind": f.question.kind,
                "tags": list(f.question.tags),
                "factbot": _score_json(f),
                "baseline": _score_json(b),
            }
            for f, b in zip(result.factbot, result.baseline, strict=True)
        ],
    }


# --- command line -----------------------------------------------------------------


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.quality",
        description="factbot's answer quality on real documentation, beside a plain BM25 baseline.",
    )
    parser.add_argument(
        "--corpus",
        choices=[*CORPORA, *ALIASES],
        default="all",
        help="python, second (= sqlite, the held-out corpus) or all (default)",
    )
    parser.add_argument("--verbose", "-v", action="store_true", help="one row per question")
    parser.add_argument(
        "--json",
        nargs="?",
        const="-",
        metavar="FILE",
        help="write the figures and per-question rows as JSON (to stdout without FILE)",
    )
    parser.add_argument("--only", metavar="TEXT", help="only questions whose id contains TEXT")
    parser.add_argument(
        "--validate", action="store_true", help="install the corpora, check the gold, stop"
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=None,
        help=f"where corpora and indexes live (default {default_cache()})",
    )
    return parser.parse_args(argv)


def prepare(corpus: Corpus, cache: Path) -> tuple[QuestionSet, InstalledCorpus]:
    """The corpus installed and its question set checked against it (GoldError if wrong)."""
    questions = load_questions(HERE / corpus.questions)
    installed = install(corpus, cache)
    validate(questions, installed.pages(), lambda page: page_text(installed.folder / page))
    return questions, installed


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    cache: Path = (args.cache or default_cache()).resolve()
    cache.mkdir(parents=True, exist_ok=True)
    names = ALIASES.get(args.corpus, [args.corpus])
    to_stdout = args.json == "-"
    say = (lambda *a: print(*a, file=sys.stderr)) if to_stdout else print
    documents: list[dict[str, Any]] = []
    try:
        for name in names:
            corpus = CORPORA[name]
            questions, installed = prepare(corpus, cache)
            if args.validate:
                say(
                    f"{name}: {len(questions.questions)} questions, gold checked against "
                    f"{len(installed.pages())} pages of {corpus.package} {installed.version}"
                )
                continue
            if args.only:
                questions = QuestionSet(
                    questions.corpus, tuple(q for q in questions.questions if args.only in q.id)
                )
            result = asyncio.run(evaluate(installed, questions))
            documents.append(to_json(result))
            say(table(result))
            if args.verbose:
                say("")
                say(rows(result))
            say("")
    except (CorpusSetupError, GoldError, BaselineError) as exc:
        print(f"quality harness: {exc}", file=sys.stderr)
        return 2
    if args.json and not args.validate:
        text = json.dumps({"corpora": documents}, indent=2, ensure_ascii=False) + "\n"
        if to_stdout:
            sys.stdout.write(text)
        else:
            Path(args.json).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
