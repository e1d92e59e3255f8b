"""What a question compares: the two sides of "X vs Y", "between X and Y", "X or Y"."""

from __future__ import annotations

import re
from collections.abc import Sequence

from answers.ingest.words import tokens
from answers.ranking.question import Query, QuestionTerm

__all__ = ["question_sides"]

_CLAUSE = re.compile(r"[?!,;:]|\.\s|\s[-–—]+\s")  # where a question's clauses meet


def question_sides(query: Query) -> tuple[list[QuestionTerm], list[QuestionTerm]] | None:
    """The two things a question compares ("X vs Y", "the difference between X and Y", "X or
    Y", "X instead of Y"): the run of the question's terms just before the word that joins
    them and the run just after it, within one clause; None when it compares nothing."""
    own = [t for t in query.terms if not t.is_context and not t.is_part]
    by_key = {**{t.term: t for t in own}, **{t.word: t for t in own}}
    for clause in _CLAUSE.split(query.question):
        found = [t for t in tokens(clause) if not t.part_of]
        typed = [t.word for t in found]
        for n, word in enumerate(typed):
            if word in ("vs", "versus", "or"):
                joined = (found[:n], found[n + 1 :])
            elif word == "instead" and typed[n + 1 : n + 2] == ["of"]:
                joined = (found[:n], found[n + 2 :])
            elif word == "and" and "between" in typed[:n]:
                joined = (found[typed.index("between") + 1 : n], found[n + 1 :])
            else:
                continue
            before = _run([by_key.get(t.word, by_key.get(t.term)) for t in reversed(joined[0])])
            after = _run([by_key.get(t.word, by_key.get(t.term)) for t in joined[1]])
            if before and after:
                return before[::-1], after
    return None


def _run(terms_in_order: Sequence[QuestionTerm | None]) -> list[QuestionTerm]:
    """The first run of terms (None stands for a word that is not one), past any leading
    words that are not ("a list": list)."""
    found: list[QuestionTerm] = []
    for term in terms_in_order:
        if term is not None:
            found.append(term)
        elif found:
            break
    return found
