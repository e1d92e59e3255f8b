"""Passages ranked against a question: BM25, coverage and heading focus combined."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace

from answers.evidence import Passage
from answers.ranking.bm25 import Bm25, commonest_spelling, passage_terms, term_weights
from answers.ranking.coverage import Coverage, coverage_of, rarest_terms
from answers.ranking.headings import api_named_terms, focus_of
from answers.ranking.question import Query, analyse_question

__all__ = ["combined_score", "rank_passages"]

# Ranking (`combined_score`): BM25 (scaled to the best) against the share of the question...
COVERAGE_WEIGHT = 0.5
HEADING_FOCUS = 0.25  # ...plus this much for the share of the question its heading holds
LATER_PART_FOCUS = 0.5  # ...halved past the section's opening passage
COVERED_BONUS = 0.25  # ...and this much when it holds the question's rarest terms together


def combined_score(bm25_share: float, coverage: Coverage, focus: float, part: int) -> float:
    """How well a passage answers, for ranking: its BM25 score (as a share of the best), how
    much of the question it holds, how much its heading names (counting fully at the opening
    of the heading's section, half past it), and a bonus when it covers the question."""
    opening = 1.0 if part == 0 else LATER_PART_FOCUS
    return (
        (1 - COVERAGE_WEIGHT) * bm25_share
        + COVERAGE_WEIGHT * coverage.share
        + HEADING_FOCUS * focus * opening
        + (COVERED_BONUS if coverage.is_covered else 0.0)
    )


def rank_passages(
    question: str | Query,
    passages: Sequence[Passage],
    *,
    limit: int | None = None,
    weights: Mapping[str, float] | None = None,
) -> list[Passage]:
    """The passages sharing a term with the question, best first, `score` set to
    `combined_score` (BM25 over `passages` themselves, then coverage and heading focus).

    The statistics (how rare each word is) come from `passages` unless `weights` are given,
    so pass every candidate at once. Ties keep their input order.
    """
    query = question if isinstance(question, Query) else analyse_question(question)
    if not query or not passages:
        return []
    held = [passage_terms(p) for p in passages]
    bm25 = Bm25(held)
    if weights is None:
        unseen = math.log(1 + (len(passages) - 0.5) / 1.5)
        spelling = commonest_spelling(query, bm25)
        weights = term_weights(
            query,
            lambda t: bm25.idf(spelling(t)) or unseen,
            present=lambda t: bm25.document_frequency(spelling(t)) > 0,
        )
    raw = bm25.scores(query.search_terms, query.factors())
    top = max(raw, default=0.0) or 1.0
    spelt = commonest_spelling(query, bm25)
    present = frozenset(t.term for t in query.terms if bm25.document_frequency(spelt(t.term)))
    rarest = rarest_terms(query, weights, present)
    scored: list[tuple[float, int]] = []
    for i, score in enumerate(raw):
        if score <= 0:
            continue
        named = api_named_terms(query, weights, passages[i].heading)
        coverage = coverage_of(query, weights, frozenset(held[i]), rarest, named=named)
        focus = focus_of(query, weights, passages[i].heading, passages[i].source.title)
        scored.append((combined_score(score / top, coverage, focus, passages[i].part), i))
    scored.sort(key=lambda item: (-item[0], item[1]))
    if limit is not None:
        scored = scored[:limit]
    return [replace(passages[i], score=round(s, 6)) for s, i in scored]
