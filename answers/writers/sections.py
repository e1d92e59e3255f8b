"""A report's sections: the relevant passages grouped under their documents' headings.

Relevant passages under one heading of one source make a group; the strong
groups (from sources nearly as strong as the best, scoring near the best
group) become sections, each quoting its best sentences not quoted yet,
under the document's own heading.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from answers.model import MAX_SECTIONS
from answers.writers.follow_ups import clean_heading, display_heading, is_vague
from answers.writers.quotable import Sentence
from answers.writers.reading import Reading

__all__ = [
    "Group",
    "group_passages",
    "pick_sections",
    "section_heading",
    "section_runs",
    "strong_groups",
    "unique_heading",
]

MAX_CLAIMS_PER_SECTION = 3
SECTION_SPREAD = 0.45  # a section's best sentence scores within this of the best group's
SOURCE_FLOOR = 0.85  # sections come from sources whose best group scores this share of the best
CLAIM_SPREAD = 0.25  # a section quotes sentences within this score of its best one
PARAGRAPH_CLAIM_CHARS = 450  # a paragraph this short is quoted whole once a sentence of it is  # a section quotes sentences within this score of its best one
MAX_HEADING_CHARS = 120
MAX_TITLE_IN_HEADING = 60
FALLBACK_HEADING = "What the sources say"

_LETTERS = re.compile(r"[^\W\d_]+")


@dataclass
class Group:
    """Relevant passages under one heading of one source: the makings of a section."""

    heading: str
    url: str
    passages: list[int]
    sentences: list[Sentence] = field(default_factory=list)

    @property
    def score(self) -> float:
        return max((s.score for s in self.sentences), default=0.0)

    @property
    def strength(self) -> float:
        """Its best sentence's score for what it says, not where it stands (see
        `Sentence.standing`): how much it has to say, for choosing sections."""
        return max((s.score - s.standing for s in self.sentences), default=0.0)


def group_passages(reading: Reading) -> list[Group]:
    """Relevant passages grouped by (source, heading), best first; the passages of a source
    under headings that name nothing ("Overview", "R-18996-06026") make one group."""
    by_key: dict[tuple[str, str], Group] = {}
    for i in reading.relevant():
        passage = reading.passages[i]
        heading = clean_heading(passage.heading)
        key = (passage.source.url, "" if is_vague(heading) else heading.casefold())
        by_key.setdefault(key, Group(heading, passage.source.url, [])).passages.append(i)
    per_passage: dict[int, list[Sentence]] = {}
    for sentence in reading.sentences:
        per_passage.setdefault(sentence.passage, []).append(sentence)
    groups: list[Group] = []
    for group in by_key.values():
        group.sentences = [s for i in group.passages for s in per_passage.get(i, [])]
        if group.sentences:
            groups.append(group)
    groups.sort(key=lambda g: (-g.score, g.passages[0]))
    return groups


def strong_groups(groups: list[Group]) -> list[Group]:
    """The groups that may make sections, best first: from the sources nearly as strong as the
    best one (SOURCE_FLOOR), and within SECTION_SPREAD of the best group."""
    if not groups:
        return []
    best = max(g.strength for g in groups)
    strength: dict[str, float] = {}
    for group in groups:
        strength[group.url] = max(strength.get(group.url, 0.0), group.strength)
    sources = {u for u, v in strength.items() if v >= SOURCE_FLOOR * best}
    return [g for g in groups if g.url in sources and g.strength >= best - SECTION_SPREAD]


def pick_sections(groups: list[Group], used: set[str]) -> list[Group]:
    """The strong groups (`_strong_groups`) with something the summary has not quoted, 1 to 8.
    When none is left, the best group, so every sourced report has its section."""
    strong = [g for g in strong_groups(groups) if any(s.text not in used for s in g.sentences)]
    return strong[:MAX_SECTIONS] or groups[:1]


def section_runs(group: Group, used: set[str], in_sections: set[str]) -> list[list[Sentence]]:
    """The group's best sentences not quoted yet (else its best one no other section quotes), in
    reading order, adjacent ones joined into one claim; a run ends at a sentence whose code
    travels with it."""
    pool = sorted(
        group.sentences, key=lambda s: (-s.score, group.passages.index(s.passage), s.start)
    )
    fresh = [s for s in pool if s.text not in used]
    floor = (fresh or pool)[0].score - CLAIM_SPREAD
    spare = [s for s in pool if s.text not in in_sections] or pool
    chosen = [s for s in fresh if s.score >= floor][:MAX_CLAIMS_PER_SECTION] or spare[:1]
    for sentence in list(chosen):  # a sentence leaning on the one before it brings that one along
        if sentence.is_dependent or sentence.is_lead_in:
            before = [
                s
                for s in group.sentences
                if s.passage == sentence.passage
                and s.line == sentence.line
                and s.position == sentence.position - 1
                and not s.is_lead_in
            ]
            chosen.extend(s for s in before if s not in chosen)
    for sentence in list(chosen):  # a short paragraph is quoted whole: it reads as written
        paragraph = [
            s for s in group.sentences if s.passage == sentence.passage and s.line == sentence.line
        ]
        span = sum(len(s.text) for s in paragraph)
        if span <= PARAGRAPH_CLAIM_CHARS and all(s.text not in used for s in paragraph):
            chosen.extend(s for s in paragraph if s not in chosen)
    chosen.sort(key=lambda s: (group.passages.index(s.passage), s.start))
    runs: list[list[Sentence]] = []
    for sentence in chosen:
        last = runs[-1][-1] if runs else None
        if (
            last is not None
            and last.code is None
            and last.passage == sentence.passage
            and last.line == sentence.line
            and last.position + 1 == sentence.position
        ):
            runs[-1].append(sentence)
        else:
            runs.append([sentence])
    return runs


def _join_words(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return cut.rstrip(" ,;:") + "…"


def _topic(group: Group, reading: Reading) -> str:
    """The question's words this group mentions (rarest first), else its most frequent words."""
    mentioned = frozenset().union(*(s.terms for s in group.sentences))
    asked = sorted(
        (t for t in reading.matched if t.is_in(mentioned)),
        key=lambda t: (-reading.weights[t.term], reading.terms.index(t)),
    )
    if asked:
        return _join_words([t.word for t in asked[:3]])
    counts: Counter[str] = Counter()
    for sentence in group.sentences:
        counts.update(w.casefold() for w in _LETTERS.findall(sentence.text) if len(w) > 3)
    return _join_words([w for w, _ in counts.most_common(3)])


def section_heading(group: Group, reading: Reading) -> str:
    """The document's own heading for the group (an API signature as its name); under no
    heading or a vague one ("Introduction"), the document's title; with neither, the
    question's words the group mentions."""
    source = reading.passages[group.passages[0]].source
    title = _shorten(" ".join(source.title.split()), MAX_TITLE_IN_HEADING)
    heading = display_heading(group.heading)
    if heading and not is_vague(heading):
        return _shorten(heading, MAX_HEADING_CHARS)
    # A source with a blank title must not leave a blank heading (the report would not validate).
    return _shorten(title or _topic(group, reading) or FALLBACK_HEADING, MAX_HEADING_CHARS)


def unique_heading(heading: str, taken: list[str], title: str) -> str:
    """The heading, told apart from those already taken (by its source's title)."""
    if heading not in taken:
        return heading
    short = _shorten(" ".join(title.split()), MAX_TITLE_IN_HEADING)
    candidate = _shorten(f"{heading} ({short})", MAX_HEADING_CHARS)
    if short and candidate not in taken:
        return candidate
    return _shorten(f"{heading} ({len(taken) + 1})", MAX_HEADING_CHARS)
