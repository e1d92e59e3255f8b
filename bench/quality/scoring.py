"""Scoring: what a system replied, judged against a question's gold evidence.

Both factbot and the baseline are reduced to a `Reply`: the summary's claims
with the pages each cites, every page the reply cites, and counts. The rules:

- answered: a summary claim cites a gold page AND the summary (claims and the
  code they carry) contains a gold phrase, case- and whitespace-insensitively;
- gold page cited: any page the reply cites is a gold page;
- "not covered": the reply cites nothing (factbot's honest "not covered"
  report has no sources; the baseline found no passage at all);
- a false-premise question is "corrected" when it is answered by the rule above
  with the phrases that correct the premise.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from bench.quality.questions import Question, fold

__all__ = [
    "Reply",
    "Score",
    "SummaryClaim",
    "page_of",
    "score",
    "summarise",
]


@dataclass(frozen=True)
class SummaryClaim:
    text: str
    pages: frozenset[str]


@dataclass(frozen=True)
class Reply:
    summary: tuple[SummaryClaim, ...]
    pages: frozenset[str]  # every page the reply cites anywhere
    text: str = ""  # the whole reply's text (summary, sections), for the lenient measure
    sections: int | None = None  # None: the system has no such thing (the baseline)
    follow_ups: int | None = None
    seconds: float = 0.0
    furniture: int = (
        0  # summary claims, headings, follow-ups with furniture ("¶", "Previous topic")
    )
    error: str = ""  # the system failed to reply at all

    @property
    def covered(self) -> bool:
        return bool(self.pages)


@dataclass(frozen=True)
class Score:
    question: Question
    reply: Reply
    answered: bool  # the strict rule (see the module docstring)
    gold_cited: bool  # any cited page is gold
    phrase_in_summary: bool
    gold_claim: bool  # a summary claim cites a gold page
    anywhere: bool  # a gold page cited and a gold phrase anywhere in the reply
    failure: str  # "" when answered (or honestly not covered), else what went wrong


def page_of(url: str, pages: frozenset[str] | set[str]) -> str:
    """The corpus page a source URL names: the longest known page its path ends with
    ("python/library/os.html#os.walk" → "library/os.html"), else the URL itself."""
    path = url.split("#", 1)[0].split("?", 1)[0]
    best = ""
    for page in pages:
        if (path == page or path.endswith("/" + page)) and len(page) > len(best):
            best = page
    return best or path


def _contains_phrase(text: str, phrases: tuple[str, ...]) -> bool:
    folded = fold(text)
    return any(fold(p) in folded for p in phrases)


def score(question: Question, reply: Reply) -> Score:
    gold = set(question.pages)
    summary_text = " \n ".join(c.text for c in reply.summary)
    gold_claim = any(c.pages & gold for c in reply.summary)
    phrase = _contains_phrase(summary_text, question.phrases)
    gold_cited = bool(reply.pages & gold)
    anywhere = gold_cited and _contains_phrase(f"{summary_text}\n{reply.text}", question.phrases)
    answered = question.kind != "uncovered" and gold_claim and phrase
    if reply.error:
        failure = "error"
    elif question.kind == "uncovered":
        failure = "" if not reply.covered else "off-topic report"
    elif answered:
        failure = ""
    elif not reply.covered:
        failure = "said not covered"
    elif not gold_cited:
        failure = "no gold page cited"
    elif not gold_claim:
        failure = "gold page only outside the summary"
    else:
        failure = "summary misses the answer"
    return Score(question, reply, answered, gold_cited, phrase, gold_claim, anywhere, failure)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _percentile(samples: list[float], q: float) -> float | None:
    if not samples:
        return None
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@dataclass(frozen=True)
class Summary:
    """One system's figures over one question set."""

    counts: dict[str, int]
    answered: float | None
    gold_cited: float | None
    anywhere: float | None
    not_covered_honest: float | None  # on uncovered questions
    answerable_not_covered: float | None  # answerable questions it called not covered
    premise_corrected: float | None
    premise_not_covered: float | None
    mean_sections: float | None  # over replies that cite something
    mean_follow_ups: float | None
    furniture: float | None  # share of replies with furniture in summary, headings, follow-ups
    p50_ms: float | None
    p90_ms: float | None
    failures: dict[str, int] = field(default_factory=dict)
    answered_by_tag: dict[str, tuple[int, int]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "counts": self.counts,
            "answered": self.answered,
            "gold_page_cited": self.gold_cited,
            "answer_anywhere_in_report": self.anywhere,
            "not_covered_on_uncovered": self.not_covered_honest,
            "not_covered_on_answerable": self.answerable_not_covered,
            "false_premise_corrected": self.premise_corrected,
            "false_premise_not_covered": self.premise_not_covered,
            "mean_sections": self.mean_sections,
            "mean_follow_ups": self.mean_follow_ups,
            "furniture_share": self.furniture,
            "latency_p50_ms": self.p50_ms,
            "latency_p90_ms": self.p90_ms,
            "failures": self.failures,
            "answered_by_tag": {t: list(v) for t, v in self.answered_by_tag.items()},
        }


def summarise(scores: list[Score]) -> Summary:
    answerable = [s for s in scores if s.question.kind == "answerable"]
    uncovered = [s for s in scores if s.question.kind == "uncovered"]
    premise = [s for s in scores if s.question.kind == "false_premise"]
    sourced = [s.reply for s in scores if s.reply.covered]
    sections = [r.sections for r in sourced if r.sections is not None]
    follow_ups = [r.follow_ups for r in (s.reply for s in scores) if r.follow_ups is not None]
    latencies = [s.reply.seconds * 1e3 for s in scores]
    failures = Counter(
        s.failure for s in scores if s.failure and s.question.kind != "false_premise"
    )
    by_tag: dict[str, list[int]] = {}
    for s in answerable:
        for tag in s.question.tags:
            tally = by_tag.setdefault(tag, [0, 0])
            tally[0] += s.answered
            tally[1] += 1
    return Summary(
        counts={
            "answerable": len(answerable),
            "uncovered": len(uncovered),
            "false_premise": len(premise),
        },
        answered=_share(sum(s.answered for s in answerable), len(answerable)),
        gold_cited=_share(sum(s.gold_cited for s in answerable), len(answerable)),
        anywhere=_share(sum(s.anywhere for s in answerable), len(answerable)),
        not_covered_honest=_share(
            sum(not s.reply.covered and not s.reply.error for s in uncovered), len(uncovered)
        ),
        answerable_not_covered=_share(
            sum(not s.reply.covered for s in answerable), len(answerable)
        ),
        premise_corrected=_share(sum(s.answered for s in premise), len(premise)),
        premise_not_covered=_share(sum(not s.reply.covered for s in premise), len(premise)),
        mean_sections=statistics.fmean(sections) if sections else None,
        mean_follow_ups=statistics.fmean(follow_ups) if follow_ups else None,
        furniture=_share(
            sum(s.reply.furniture > 0 for s in scores if s.reply.follow_ups is not None),
            sum(s.reply.follow_ups is not None for s in scores),
        ),
        p50_ms=_percentile(latencies, 0.5),
        p90_ms=_percentile(latencies, 0.9),
        failures=dict(sorted(failures.items(), key=lambda kv: (-kv[1], kv[0]))),
        answered_by_tag={t: (v[0], v[1]) for t, v in sorted(by_tag.items())},
    )
