"""The citation verifier: an LLM's report becomes a `Draft` only through checks made in code.

For every summary and section sentence:
- it must cite at least one evidence id, and every id must name evidence
  handed over in this run (E1..En); `[E3]`-style marks typed into the text
  are taken as cites and removed from it;
- any URL it mentions must be a page fetched in this run;
- every number it states must appear in the evidence it cites (a cheap
  guard against invented figures).
A sentence failing any check is dropped; a section left empty goes with it.
Limitations may be uncited, but what they cite is checked the same way.
Sources are joined in by code from the cited evidence, so the model never
supplies a URL; `Draft.finalize` then drops uncited sources and renumbers.

`Verification.needs_repair` says when so much was dropped (or the report is
too thin to stand) that the writer should get one repair retry, with
`problems` telling the model what to fix.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from answers.backends.research.llm import WrittenClaim, WrittenReport
from answers.backends.research.search import canonical_url
from answers.evidence import Passage
from answers.model import (
    MAX_FOLLOW_UPS,
    MAX_SECTIONS,
    MIN_FOLLOW_UPS,
    MIN_SECTIONS,
    Draft,
    DraftClaim,
    DraftSection,
    DraftSource,
    EngineInfo,
)
from answers.question import normalise_question
from answers.ranking.question import question_terms

__all__ = ["MAX_DROPPED_SHARE", "Verification", "template_follow_ups", "verify_report"]

MAX_SUMMARY_CLAIMS = 4
MAX_SECTION_CLAIMS = 5
MAX_HEADING_CHARS = 200
MAX_FOLLOW_UP_CHARS = 300
MAX_TEMPLATE_TOPIC_CHARS = 120
MAX_DROPPED_SHARE = 1 / 3  # drop more than this and the report is sent back for one repair
_MAX_PROBLEMS = 8

_CITE = re.compile(r"^\s*\[?\s*(?:E\s*)?(\d{1,4})\s*\]?\s*$", re.IGNORECASE)
_CITE_SEPARATOR = re.compile(r"\s*[,;]\s*|\s+(?=\[?E\d)|\s+and\s+", re.IGNORECASE)
_ID_LIST = r"E?\s*\d{1,4}(?:\s*[,;]\s*E?\s*\d{1,4})*"
_MARK = re.compile(
    rf"\s*(?:\[\s*({_ID_LIST})\s*\]|【\s*({_ID_LIST})\s*】|\(\s*(E\s*\d{{1,4}}(?:\s*[,;]\s*E\s*\d{{1,4}})*)\s*\))",
    re.IGNORECASE,
)
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'()\[\]]+", re.IGNORECASE)
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([.,;:!?])")


@dataclass(frozen=True)
class Verification:
    """The verified draft (None when too little survived) and what was wrong."""

    draft: Draft | None
    problems: tuple[str, ...]
    kept: int
    dropped: int

    @property
    def is_clean(self) -> bool:
        return self.draft is not None and not self.problems

    @property
    def needs_repair(self) -> bool:
        total = self.kept + self.dropped
        return self.draft is None or (total > 0 and self.dropped / total > MAX_DROPPED_SHARE)

    def describe_problems(self) -> str:
        """The problems as one message for a repair prompt."""
        return "; ".join(self.problems[:_MAX_PROBLEMS]) or "the report was incomplete"


def _evidence_id(raw: str) -> str | None:
    match = _CITE.match(raw)
    return f"E{int(match.group(1))}" if match else None


def _cite_parts(raw: str) -> list[str]:
    """One cite as the model wrote it, split when it names several ids ("E1, E3")."""
    parts = [p for p in _CITE_SEPARATOR.split(raw) if p.strip()]
    return parts if len(parts) > 1 else [raw]


def _split_marks(text: str) -> tuple[str, list[str]]:
    """Text without typed citation marks, and the ids those marks named."""
    found: list[str] = []

    def take(match: re.Match[str]) -> str:
        ids = next(g for g in match.groups() if g is not None)
        found.extend(re.split(r"\s*[,;]\s*", ids.strip()))
        return ""

    cleaned = _MARK.sub(take, text)
    cleaned = _SPACE_BEFORE_PUNCT.sub(r"\1", " ".join(cleaned.split()))
    return cleaned, found


def _numbers(text: str) -> list[str]:
    return [n.replace(",", "").rstrip(".") for n in _NUMBER.findall(text)]


def _has_number(number: str, text: str) -> bool:
    return re.search(rf"(?<![\d.]){re.escape(number)}(?![\d])", text) is not None


class _Checker:
    """Checks claims against one run's evidence and builds the draft's sources as cited."""

    def __init__(self, evidence: Sequence[Passage], fetched_urls: Collection[str]) -> None:
        self.evidence = {p.evidence_id: p for p in evidence}
        self.fetched = {canonical_url(u) for u in fetched_urls}
        self.sources: list[DraftSource] = []
        self._source_index: dict[str, int] = {}
        self.problems: list[str] = []
        self.kept = 0
        self.dropped = 0

    def _problem(self, text: str, why: str) -> None:
        self.problems.append(f'the sentence "{text[:80]}" {why}')

    def unfetched_url(self, text: str) -> str | None:
        for match in _URL.finditer(text):
            url = match.group().rstrip(".,;:!?")
            if canonical_url(url if "://" in url else f"https://{url}") not in self.fetched:
                return url
        return None

    def _index(self, source: DraftSource) -> int:
        if source.url not in self._source_index:
            self._source_index[source.url] = len(self.sources)
            self.sources.append(source)
        return self._source_index[source.url]

    def claim(self, claim: WrittenClaim, *, needs_cite: bool) -> DraftClaim | None:
        text, marked = _split_marks(claim.text)
        raw_cites = [part for raw in (*claim.cites, *marked) for part in _cite_parts(raw)]
        if not any(ch.isalnum() for ch in text):
            return None  # nothing but citation marks or punctuation
        ids: list[str] = []
        bad: list[str] = []
        for raw in raw_cites:
            evidence_id = _evidence_id(raw)
            if evidence_id is None or evidence_id not in self.evidence:
                bad.append(raw)
            elif evidence_id not in ids:
                ids.append(evidence_id)
        url = self.unfetched_url(text)
        passages = [self.evidence[i] for i in ids]
        cited_text = "\n".join(p.text for p in passages).replace(",", "")
        missing = [n for n in _numbers(text) if not _has_number(n, cited_text)]
        why = None
        if bad:
            why = f"cites {', '.join(bad[:3])}, which names no evidence"
        elif url is not None:
            why = f"mentions {url}, which was not fetched"
        elif needs_cite and not ids:
            why = "cites no evidence"
        elif ids and missing:
            why = f"states {missing[0]}, which its evidence does not contain"
        if why is not None:
            self._problem(text, why)
            self.dropped += 1
            return None
        self.kept += 1
        cites = tuple(dict.fromkeys(self._index(p.source) for p in passages))
        return DraftClaim(text=text, cites=cites)


def template_follow_ups(question: str) -> list[str]:
    """Questions that stand on their own, for when the writer gave too few."""
    topic = " ".join(t.word for t in question_terms(question)[:6]) or question.strip().rstrip("?")
    if len(topic) > MAX_TEMPLATE_TOPIC_CHARS:  # a very long word must not push them past the cap
        topic = (
            topic[:MAX_TEMPLATE_TOPIC_CHARS].rsplit(" ", 1)[0].rstrip()
            or topic[:MAX_TEMPLATE_TOPIC_CHARS]
        )
    return [
        f"What do official records say about {topic}?",
        f"Which sources disagree about {topic}, and why?",
        f"How has the reporting on {topic} changed over time?",
        f"What evidence would settle the question of {topic}?",
        f"Who are the main people or organisations involved in {topic}?",
    ]


def _is_question(text: str) -> bool:
    return text.rstrip(" \"'”’»)").endswith(("?", "？", "؟", "\u037e"))  # Latin, CJK, Arabic, Greek


def _follow_ups(written: Sequence[str], question: str, checker: _Checker) -> tuple[str, ...]:
    """Questions only, each asking something new: two that would share a cache key (or the
    question's own) are one."""
    chosen: list[str] = []
    seen = {normalise_question(question)}
    for raw in [*written, *template_follow_ups(question)]:
        text, _ = _split_marks(raw)
        key = normalise_question(text)
        if (
            not key
            or not _is_question(text)
            or len(text) > MAX_FOLLOW_UP_CHARS
            or checker.unfetched_url(text) is not None
            or key in seen
        ):
            continue
        seen.add(key)
        chosen.append(text)
        if len(chosen) >= MAX_FOLLOW_UPS:
            break
    return tuple(chosen)


def verify_report(
    report: WrittenReport,
    evidence: Sequence[Passage],
    *,
    question: str,
    fetched_urls: Collection[str],
    engine: EngineInfo,
    notes: Sequence[str] = (),
) -> Verification:
    """Check every cite of `report` against this run's evidence and build the draft."""
    checker = _Checker(evidence, fetched_urls)
    summary = [c for w in report.summary if (c := checker.claim(w, needs_cite=True))]
    sections: list[DraftSection] = []
    for written in report.sections:
        heading, _ = _split_marks(written.heading)
        heading = heading[:MAX_HEADING_CHARS].strip()
        if not heading or checker.unfetched_url(heading) is not None:
            checker.dropped += len(written.claims)
            checker.problems.append(f'the section "{written.heading[:60]}" has no usable heading')
            continue
        claims = [c for w in written.claims if (c := checker.claim(w, needs_cite=True))]
        if claims:
            sections.append(DraftSection(heading, tuple(claims[:MAX_SECTION_CLAIMS])))
    limitations = [c for w in report.limitations if (c := checker.claim(w, needs_cite=False))]
    limitations.extend(DraftClaim(text=note) for note in notes)

    too_thin = []
    if not summary:
        too_thin.append("the summary has no sentence with valid cites")
    if len(sections) < MIN_SECTIONS:
        too_thin.append("no section has a sentence with valid cites")
    follow_ups = _follow_ups(report.follow_ups, question, checker)
    if too_thin or len(follow_ups) < MIN_FOLLOW_UPS:
        return Verification(
            None, tuple([*too_thin, *checker.problems]), checker.kept, checker.dropped
        )
    draft = Draft(
        summary=tuple(summary[:MAX_SUMMARY_CLAIMS]),
        sections=tuple(sections[:MAX_SECTIONS]),
        limitations=tuple(limitations),
        sources=tuple(checker.sources),
        follow_ups=follow_ups,
        engine=engine,
    )
    return Verification(draft, tuple(checker.problems), checker.kept, checker.dropped)
