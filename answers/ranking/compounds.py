"""Two words of a question that documents write as one: "back up" is backup, "file name" is
filename, "the id of the row" is rowid.

A question spells out what documentation names with a compound word or an
identifier's part. `compounds(question)` proposes the joins (two neighbouring
words, or "A of the B" read as "BA"); `with_compounds` adds those the documents
actually hold as other words for the terms they join (like a synonym), so a join
never searches for a word no document has.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from answers.ingest.words import QUESTION_FILLER, STOP_WORDS, stem, tokens
from answers.question import without_mentions
from answers.ranking.question import Query

__all__ = ["Compound", "compounds", "with_compounds"]

MIN_COMPOUND_CHARS = 5  # "inet", "isin": shorter joins are more often other words
# "the id OF THE row": a compound read backwards (rowid), with the few words allowed between.
_OF = "of"
_DETERMINERS = frozenset("the a an this that my your its their each every".split())
# The particles that close a phrasal compound ("back up", "log in", "time out", "shut down").
_PARTICLES = frozenset("up down in out on off over back away".split())


@dataclass(frozen=True)
class Compound:
    """A join of two question words (`word`, as one word) and its search term."""

    term: str
    word: str
    parts: tuple[str, str]


def _head(word: str) -> bool:
    """A word that can open a compound: a word of its own, not one of asking or linking."""
    return word.isalpha() and word not in STOP_WORDS and word not in QUESTION_FILLER


def _pairs(found: list[str]) -> Iterator[tuple[str, str]]:
    for i, first in enumerate(found[:-1]):
        second = found[i + 1]
        if _head(first) and second in _PARTICLES:
            yield first, second  # "back up": backup
        if second != _OF or not _head(first):
            continue
        rest = found[i + 2 : i + 4]
        if rest and rest[0] in _DETERMINERS:
            rest = rest[1:]
        if rest and _head(rest[0]):
            yield rest[0], first  # "the name of the file": filename


def compounds(question: str) -> list[Compound]:
    """The joins a question's words suggest, each once, in the order asked."""
    found = [t.word for t in tokens(without_mentions(question)) if not t.part_of]
    joined: dict[str, Compound] = {}
    for first, second in _pairs(found):
        word = first + second
        if len(word) < MIN_COMPOUND_CHARS or word in STOP_WORDS or word in QUESTION_FILLER:
            continue
        term = stem(word)
        joined.setdefault(term, Compound(term, word, (first, second)))
    return list(joined.values())


def with_compounds(query: Query, written: Callable[[Compound], bool]) -> Query:
    """`query` with each join of its words that the documents write as one word (`written`) as another
    word for the question's terms it joins: a passage writing "backup" holds "back up"."""
    joins: dict[str, list[str]] = {}
    for c in compounds(query.question):
        if written(c):
            for part in c.parts:
                joins.setdefault(stem(part), []).append(c.term)
    return query.with_alternatives(joins)
