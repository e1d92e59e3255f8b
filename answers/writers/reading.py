"""What the extractive writer learns from the passages before it writes anything.

Which passages bear on the question (BM25 on their words, heading and
title, blended with the order they arrived in), which of the question's
terms they mention and how much of the question that covers (terms weighted
by rarity, so "factbot" in every document counts for little), and every
quotable sentence with its offsets and a score.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from answers.evidence import Passage
from answers.ranking import Bm25, QuestionTerm, passage_terms, question_terms, terms, words
from answers.writers.sentences import sentence_spans

__all__ = ["Reading", "Sentence", "read_passages"]

MIN_CLAIM_WORDS = 4
MAX_CLAIM_CHARS = 600
ARRIVAL_WEIGHT = 0.4  # how much the caller's order counts against our own BM25
ARRIVAL_DECAY = 5.0  # the passage at this position gets half the arrival credit of the first
CONTEXT_SCORE = -1.0  # below every sentence of a relevant passage
CONTEXT_ORDER = 0.001
CONTEXT_RELEVANCE = 1e-6
POSITION_PENALTY = 0.02  # later sentences of a paragraph say its point less often
FOCUS_BONUS = 0.25  # a passage whose heading (or, at a document's opening, title) is the question
DEPENDENT_PENALTY = 0.15  # "It does so too." means little once quoted on its own
DEPENDENT_OPENERS = frozenset(
    "it its this these those they them that such however therefore thus hence meanwhile also "
    "but and or so then otherwise instead still yet both either neither likewise similarly "
    "furthermore moreover additionally besides".split()
)
DEPENDENT_WORDS = frozenset("therefore thus hence above below aforementioned latter former".split())
BACK_REFERENCES = frozenset("it they them this these those he she him".split())
BACK_REFERENCE_REACH = 5  # "With no adapter named, it runs..." still leans on the sentence before


@dataclass(frozen=True)
class Sentence:
    """A quotable sentence: `passages[passage].text[start:end]`."""

    passage: int
    line: int
    position: int  # index among the passage's sentences
    start: int
    end: int
    text: str
    terms: frozenset[str]
    overlap: float  # share of the question's (weighted) matched terms it mentions, 0..1
    score: float
    is_dependent: bool  # points back at what came before (see `leans_on_context`)


@dataclass(frozen=True)
class Reading:
    question: str
    passages: Sequence[Passage]
    terms: tuple[QuestionTerm, ...]
    weights: dict[str, float]
    relevance: tuple[float, ...]  # per passage, 0 for passages sharing no term with the question
    focus: tuple[float, ...]  # per passage, how much of the question its heading (or title) holds
    matched: tuple[QuestionTerm, ...]
    missing: tuple[QuestionTerm, ...]
    sentences: tuple[Sentence, ...]  # quotable sentences of the relevant passages
    context: tuple[Sentence, ...] = ()  # quotable sentences of the same sources' other passages

    @property
    def coverage(self) -> float:
        """The weighted share of the question's terms that some relevant passage mentions."""
        total = sum(self.weights.values())
        if not total:
            return 0.0
        return sum(self.weights[t.term] for t in self.matched) / total

    def with_context(self) -> Reading:
        """The same reading with the context sentences counted in (their passages last)."""
        relevance = list(self.relevance)
        for sentence in self.context:
            i = sentence.passage
            relevance[i] = CONTEXT_RELEVANCE / (1 + i)
        return replace(
            self, relevance=tuple(relevance), sentences=self.sentences + self.context, context=()
        )

    def relevant(self) -> list[int]:
        """Indexes of the passages that bear on the question, most relevant first."""
        order = [i for i, r in enumerate(self.relevance) if r > 0]
        return sorted(order, key=lambda i: (-self.relevance[i], i))


def is_quotable(text: str) -> bool:
    """Long enough to say something, short enough to read, and not a lead-in to a list."""
    return (
        len(text.split()) >= MIN_CLAIM_WORDS
        and len(text) <= MAX_CLAIM_CHARS
        and any(ch.isalpha() for ch in text)
        and not text.endswith((":", ","))
    )


def leans_on_context(text: str) -> bool:
    """True for a sentence that points back at what came before ("This means...", "...therefore")."""
    found = words(text)
    return bool(found) and (
        found[0] in DEPENDENT_OPENERS
        or any(w in BACK_REFERENCES for w in found[:BACK_REFERENCE_REACH])
        or any(w in DEPENDENT_WORDS for w in found)
    )


def is_lead(passage: Passage) -> bool:
    """The opening of a document: text before any heading, or under the document's title."""
    heading = passage.heading.strip().casefold()
    return not heading or heading == passage.source.title.strip().casefold()


def _focus_terms(passage: Passage) -> frozenset[str]:
    """What a passage is announced as being about: its heading, and at an opening the title."""
    if is_lead(passage):
        return frozenset(terms(passage.source.title))
    return frozenset(terms(passage.heading))


def read_passages(
    question: str, passages: Sequence[Passage], *, extra_terms: Sequence[str] = ()
) -> Reading:
    asked = tuple(question_terms(" ".join((question, *extra_terms))))
    query = [t.term for t in asked]
    searched = [passage_terms(p) for p in passages]
    bm25 = Bm25(searched)
    raw = bm25.scores(query) if passages else []
    top = max(raw, default=0.0) or 1.0
    relevance = tuple(
        ((1 - ARRIVAL_WEIGHT) * score / top + ARRIVAL_WEIGHT * ARRIVAL_DECAY / (ARRIVAL_DECAY + i))
        if score > 0
        else 0.0
        for i, score in enumerate(raw)
    )
    # A term no passage has weighs as much as one that only a single passage has: the most.
    unseen = math.log(1 + (max(len(passages), 1) - 0.5) / 1.5)
    weights = {t.term: (bm25.idf(t.term) or unseen) for t in asked}
    relevant = [i for i, r in enumerate(relevance) if r > 0]
    seen: set[str] = set()
    for i in relevant:
        seen.update(searched[i])
    matched = tuple(t for t in asked if t.term in seen)
    missing = tuple(t for t in asked if t.term not in seen)
    total_weight = sum(weights.values()) or 1.0
    focus = tuple(
        sum(weights[t.term] for t in asked if t.term in _focus_terms(p)) / total_weight
        for p in passages
    )
    sentences: list[Sentence] = []
    for i in relevant:
        bonus = FOCUS_BONUS * focus[i]
        for sentence in _quotable(i, passages[i].text, matched, weights):
            score = 0.5 * sentence.overlap + 0.5 * relevance[i] + bonus + sentence.score
            sentences.append(replace(sentence, score=round(score, 9)))
    # Other passages of the same sources: quoted only when the relevant ones are too few.
    sources = {passages[i].source.url for i in relevant}
    context: list[Sentence] = []
    for i, passage in enumerate(passages):
        if relevance[i] == 0 and passage.source.url in sources:
            for sentence in _quotable(i, passage.text, matched, weights):
                score = CONTEXT_SCORE + sentence.score - CONTEXT_ORDER * i
                context.append(replace(sentence, score=round(score, 9)))
    return Reading(
        question=question,
        passages=passages,
        terms=asked,
        weights=weights,
        relevance=relevance,
        focus=focus,
        matched=matched,
        missing=missing,
        sentences=tuple(sentences),
        context=tuple(context),
    )


def _quotable(
    index: int, text: str, matched: Sequence[QuestionTerm], weights: dict[str, float]
) -> list[Sentence]:
    """The passage's quotable sentences; `score` holds only their own penalties so far."""
    matched_weight = sum(weights[t.term] for t in matched) or 1.0
    found_sentences: list[Sentence] = []
    for position, span in enumerate(sentence_spans(text)):
        quote = text[span.start : span.end]
        if not is_quotable(quote):
            continue
        found = frozenset(terms(quote))
        overlap = sum(weights[t.term] for t in matched if t.term in found) / matched_weight
        is_dependent = leans_on_context(quote)
        penalty = POSITION_PENALTY * min(position, 5) + (DEPENDENT_PENALTY if is_dependent else 0)
        found_sentences.append(
            Sentence(
                index,
                span.line,
                position,
                span.start,
                span.end,
                quote,
                found,
                overlap,
                -penalty,
                is_dependent,
            )
        )
    return found_sentences
