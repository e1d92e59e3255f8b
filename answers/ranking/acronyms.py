"""An acronym and its long form are other words for each other: "WAL" is "write-ahead log".

The index learns the pairs from the documents themselves
(`answers.ingest.acronyms`). A question writing an acronym also searches its
long form, as a phrase alternative of the acronym's term (a passage holding
"write", "ahead" and "log" holds "WAL"); a question writing a long form also
searches the acronym, as another word for each of the long form's terms.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from answers.ingest.acronyms import Acronym, acronym_key, asked_keys
from answers.ingest.words import stem, terms, tokens
from answers.question import without_mentions
from answers.ranking.question import Query, QuestionTerm

__all__ = ["MAX_LONG_FORMS", "Expansion", "acronym_lookups", "expansions_of", "with_acronyms"]

MAX_LONG_FORMS = 2  # the long forms most documents give an acronym; the rest are rare asides
MAX_ACRONYM_CHARS = 9  # "fts5", "ecdh": a longer word is no acronym


@dataclass(frozen=True)
class Expansion:
    """An acronym (its index key) and the terms of a long form; `documents` define it so."""

    short: str
    terms: tuple[str, ...]
    documents: int = 1


def expansions_of(documents: Iterable[Iterable[Acronym]]) -> list[Expansion]:
    """The expansions the documents define (each document's acronyms), counted per document."""
    counts: Counter[tuple[str, tuple[str, ...]]] = Counter()
    for defined in documents:
        counts.update({(acronym_key(a.short), tuple(terms(a.long))) for a in defined})
    return [Expansion(short, found, n) for (short, found), n in counts.items() if len(found) > 1]


def _may_be_acronym(term: QuestionTerm) -> bool:
    word = term.word
    return (
        not term.is_code
        and not term.is_context
        and not term.is_implied
        and word.isalnum()
        and 2 <= len(word) <= MAX_ACRONYM_CHARS
    )


def acronym_lookups(query: Query) -> tuple[list[str], list[str]]:
    """What to look up for `query`: the keys its words may be acronyms under, and its terms
    that may start a long form."""
    shorts = [k for t in query.terms if _may_be_acronym(t) for k in asked_keys(t.word)]
    firsts = [t.term for t in query.terms if not t.is_code and not t.is_context]
    return list(dict.fromkeys(shorts)), list(dict.fromkeys(firsts))


def _asked_runs(question: str) -> list[str]:
    """The question's terms in the order written (names' parts left out)."""
    return [t.term for t in tokens(without_mentions(question)) if not t.part_of]


def _holds_run(asked: list[str], run: tuple[str, ...]) -> bool:
    return any(tuple(asked[i : i + len(run)]) == run for i in range(len(asked) - len(run) + 1))


def with_acronyms(query: Query, expansions: Iterable[Expansion]) -> Query:
    """`query` with each acronym it writes searched as its long forms too, and each long
    form it writes as its acronym too (see the module docstring)."""
    by_short: dict[str, list[Expansion]] = {}
    for found in sorted(expansions, key=lambda e: (-e.documents, e.terms)):
        if len(found.terms) > 1:
            by_short.setdefault(found.short, []).append(found)
    asked = _asked_runs(query.question)
    extra: dict[str, list[str]] = {}
    for t in query.terms:
        if not _may_be_acronym(t):
            continue
        keys = asked_keys(t.word)
        long_forms = next((by_short[k] for k in keys if k in by_short), [])
        for found in long_forms[:MAX_LONG_FORMS]:
            if not _holds_run(asked, found.terms):  # "GIL (global interpreter lock)" asks both
                extra.setdefault(t.term, []).append(" ".join(found.terms))
    for found in (e for forms in by_short.values() for e in forms[:MAX_LONG_FORMS]):
        acronym = stem(found.short)
        if _holds_run(asked, found.terms) and acronym not in asked:
            for term in found.terms:
                extra.setdefault(term, []).append(acronym)
    return query.with_alternatives(extra)
