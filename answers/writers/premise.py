"""A question built on a premise, and the sentences that contradict it.

"Why does range(1, 10) include 10?", "since sqlite doesn't support
transactions, ...", "strings are mutable, so ...": the question takes something
for granted, and when the documents say otherwise, the sentence saying so
("The given end point is never part of the generated sequence", "You can't,
because strings are immutable") answers it best. Such a sentence speaks of what
the question asks about and says "not", "never", "no", "can't" (or states the
opposite word, `answers.ranking.antonyms`).
"""

from __future__ import annotations

import re
from itertools import pairwise

from answers.ingest.words import words

__all__ = ["NEGATIONS", "has_premise", "negates"]

NEGATIONS = frozenset("not never no cannot neither nor none nothing without".split())
CONTRACTED_NEGATIONS = frozenset(
    "can don doesn isn aren won wasn weren didn couldn shouldn".split()
)
# "why does X...", "why is X...": the question assumes X does or is so.
_WHY_ASSUMES = re.compile(r"\bwhy\s+(?:does|do|did|is|are|was|were|can|can't|won't)\b", re.I)
# "since X...", "as X is...", "X is Y, so ...": a stated premise the question builds on.
_SINCE = re.compile(r"^\W*(?:since|given that|because)\b", re.I)
_SO = re.compile(
    r"\b(?:is|are|was|were|does|do|doesn't|don't|isn't|aren't)\b[^,;?]*[,;]\s*so\b", re.I
)


def has_premise(question: str) -> bool:
    """Whether the question takes something for granted that the documents may contradict."""
    return bool(_WHY_ASSUMES.search(question) or _SINCE.search(question) or _SO.search(question))


def negates(text: str) -> bool:
    """Whether a sentence says "not", "never", "no", "can't" and the like."""
    found = words(text)
    if any(w in NEGATIONS for w in found):
        return True
    return any(w == "t" and before in CONTRACTED_NEGATIONS for before, w in pairwise(found))
