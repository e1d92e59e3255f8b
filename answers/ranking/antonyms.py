"""A word a question says a thing is, and its opposite: "strings are mutable" asks about immutable.

A question often carries a premise ("strings are mutable, so...", "since dicts
are unordered..."), and documentation that contradicts it says the opposite
word: "strings are immutable", "dictionaries are ordered". `opposites(question)`
proposes, for each word the question says something is (after is/are/was/...),
the words formed from it by adding or removing a negating prefix;
`with_opposites` adds those the documents hold as other words for that term (like
a synonym), so a passage stating the opposite holds the question's claim.
"""

from __future__ import annotations

from collections.abc import Callable

from answers.ingest.words import QUESTION_FILLER, STOP_WORDS, stem, tokens
from answers.question import without_mentions
from answers.ranking.question import Query

__all__ = ["NEGATING_PREFIXES", "opposites", "with_opposites"]

NEGATING_PREFIXES = ("un", "im", "in", "ir", "il", "non", "dis")
MIN_BASE_CHARS = 5  # "able"/"unable", "do"/"undo": a shorter word is rarely the base of an opposite
COPULAS = frozenset("is are was were be been being isn't aren't wasn't weren't".split())
PREDICATE_REACH = 2  # "are strings mutable", "is it not ordered": words after the copula


def _opposite_words(word: str) -> list[str]:
    """`word` with a negating prefix added, or with one it starts with removed."""
    found = [prefix + word for prefix in NEGATING_PREFIXES if len(word) >= MIN_BASE_CHARS]
    found += [
        word[len(prefix) :]
        for prefix in NEGATING_PREFIXES
        if word.startswith(prefix) and len(word) - len(prefix) >= MIN_BASE_CHARS
    ]
    return found


def opposites(question: str) -> dict[str, list[str]]:
    """For each term the question says something is, the terms of its possible opposites."""
    found = [t for t in tokens(without_mentions(question)) if not t.part_of]
    proposed: dict[str, list[str]] = {}
    for i, token in enumerate(found):
        if token.word not in COPULAS:
            continue
        for said in found[i + 1 : i + 1 + PREDICATE_REACH]:
            word = said.word
            if said.is_code or not word.isalpha() or word in STOP_WORDS | QUESTION_FILLER:
                continue
            terms = [stem(w) for w in _opposite_words(word)]
            proposed.setdefault(said.term, []).extend(t for t in terms if t != said.term)
    return {term: list(dict.fromkeys(found_terms)) for term, found_terms in proposed.items()}


def with_opposites(query: Query, held: Callable[[str], bool]) -> Query:
    """`query` with each opposite of a term it says something is that the documents hold
    (`held`) as another word for that term: a passage saying "immutable" answers "mutable"."""
    extra = {
        term: [o for o in others if held(o)] for term, others in opposites(query.question).items()
    }
    return query.with_alternatives({term: found for term, found in extra.items() if found})
