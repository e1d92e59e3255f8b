"""Misspelt question terms corrected to the closest term the documents have."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from answers.ingest.words import QUESTION_FILLER, STOP_WORDS
from answers.ranking.question import Query, QuestionTerm

__all__ = ["corrected", "edit_distance", "spelling_limit"]

MIN_CORRECTED_CHARS = 6  # shorter terms are never taken for misspellings
MIN_CORRECTION_USES = 20  # a misspelling is corrected to a term at least this many passages use

# Longer words of asking, which a misspelling may be ("diffrence"): dropped, not searched.
_ASKING_WORDS = tuple(w for w in sorted(QUESTION_FILLER | STOP_WORDS) if len(w) >= 6)


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (insert, delete, replace, swap two neighbours), or
    `limit + 1` once it is sure to exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def spelling_limit(term: str) -> int:
    """How many edits a misspelt term may be from the word meant: none for short words (too
    many real words lie one edit apart), one for middling ones, two for long ones."""
    if len(term) < MIN_CORRECTED_CHARS or not term.isascii() or not term.isalpha():
        return 0
    return 1 if len(term) <= 8 else 2


def corrected(
    query: Query,
    present: Callable[[str], bool],
    candidates: Callable[[str], Iterable[tuple[str, int]]],
) -> Query:
    """The query with each term no document has (`present` says which do) replaced by the
    closest term documents do have (`candidates(term)`: (term, how many passages hold it)
    sharing its first letter), when one is within `spelling_limit`: "pyhton" is searched as
    "python". A misspelt word of asking ("diffrence") is dropped."""
    fixed: list[QuestionTerm] = []
    have = {t.term for t in query.terms}
    for term in query.terms:
        known = present(term.term) or any(present(a) for a in term.alternatives)
        limit = 0 if term.is_code or known else spelling_limit(term.term)
        if not limit:
            fixed.append(term)
            continue
        if any(edit_distance(term.word, word, limit) <= limit for word in _ASKING_WORDS):
            continue  # "diffrence": a word of asking, misspelt

        best: tuple[int, int, str] | None = None
        for candidate, count in candidates(term.term):
            if candidate == term.term or not candidate.isalpha() or count < MIN_CORRECTION_USES:
                continue
            distance = edit_distance(term.term, candidate, limit)
            if distance <= limit and (best is None or (distance, -count, candidate) < best):
                best = (distance, -count, candidate)
        if best is None:
            fixed.append(term)
        elif best[2] not in have:
            have.add(best[2])
            fixed.append(replace(term, term=best[2]))
    return Query(question=query.question, terms=tuple(fixed))
