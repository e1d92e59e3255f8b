"""Whether one passage covers the question: the rarest terms together, not scattered."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from answers.evidence import Passage
from answers.ranking.bm25 import passage_terms
from answers.ranking.question import Query

__all__ = ["NO_COVERAGE", "Coverage", "best_coverage", "coverage_of", "rarest_terms"]

# Coverage: a passage must hold this weighted share of the question's terms...
COVERED_SHARE = 0.5
# ...and one of the rarest of them (those within this share of the rarest one's weight).
RAREST_SHARE = 0.75


@dataclass(frozen=True)
class Coverage:
    """How much of the question one passage holds (`share` of the weighted terms) and whether
    that is enough (`is_covered`: the share, and the rarest terms among them)."""

    share: float
    has_rarest: bool  # holds at least one of the question's rarest terms
    matched: frozenset[str]
    needed: int = 1  # how many of the question's terms it must hold at least

    @property
    def is_covered(self) -> bool:
        return self.has_rarest and self.share >= COVERED_SHARE and len(self.matched) >= self.needed


NO_COVERAGE = Coverage(0.0, False, frozenset())


def rarest_terms(
    query: Query, weights: Mapping[str, float], present: Collection[str] | None = None
) -> frozenset[str]:
    """The question's rarest judged terms that the collection has (`present`, when known):
    those weighing within RAREST_SHARE of the heaviest. A term no document has is not among
    them: it already lowers every passage's share."""
    own = [t for t in query.judged if not t.is_context] or list(query.judged)
    judged = [t.term for t in own if present is None or t.term in present]
    if not judged:
        return frozenset()
    top = max(weights.get(t, 0.0) for t in judged)
    return frozenset(t for t in judged if weights.get(t, 0.0) >= RAREST_SHARE * top)


def coverage_of(
    query: Query,
    weights: Mapping[str, float],
    found: Collection[str],
    rarest: frozenset[str],
    *,
    named: Collection[str] = (),
) -> Coverage:
    """The coverage of a passage whose terms (text, headings and title) are `found`, given the
    question's `rarest_terms`; the terms its API heading is `named` after count twice (the
    entry of str.join is about joining however it words the rest)."""
    judged = query.judged
    topic = sum(weights.get(t, 0.0) for t in named)
    total = sum(weights.get(t.term, 0.0) for t in judged) + topic
    if not judged or total <= 0:
        return NO_COVERAGE
    matched = frozenset(t.term for t in judged if t.is_in(found))
    share = (sum(weights.get(t, 0.0) for t in matched) + topic) / total
    # One word of a question of several is a coincidence, however rare the word (a word it
    # implies, "operator" for `//`, was not typed: it does not make it several).
    own = {t.term for t in judged if not t.is_context and not t.is_implied}
    return Coverage(share, bool(rarest & matched), matched, needed=min(2, len(own)))


def best_coverage(
    query: Query, weights: Mapping[str, float], passages: Sequence[Passage]
) -> tuple[Coverage, int]:
    """The passage covering the question best, and its coverage ((NO_COVERAGE, -1) for none)."""
    held = [frozenset(passage_terms(p)) for p in passages]
    everything = frozenset().union(*held)
    rarest = rarest_terms(
        query, weights, present={t.term for t in query.terms if t.is_in(everything)}
    )
    best, at = NO_COVERAGE, -1
    for i, terms_held in enumerate(held):
        found = coverage_of(query, weights, terms_held, rarest)
        if (found.is_covered, found.share) > (best.is_covered, best.share):
            best, at = found, i
    return best, at
