"""Stop words a question asks about as a language's keyword ("why use with when opening a file").

Many keywords are English stop words (with, is, in, not, and, or, for, while, if, as, from,
where, when, like...). A question's search leaves stop words out unless something sets the
word apart; `keywords_named` finds the signs that one is the subject:

- a word naming a kind of keyword follows it: "the with statement", "the is operator",
  "a for loop", "use the in keyword";
- it is used like a noun: "use"/"using" before it and after it a word no English sentence puts
  there ("use with when opening", "when to use is", "using is instead of ==");
- it is one side of a choice whose other side is code: "is or ==", "== and is".

Only stop words that are keywords of some common language (Python, SQL, JavaScript, C, shell,
Ruby, Lua, Kotlin) are candidates, so "an operator" or "use it when" name nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from answers.ingest.keywords import ARTICLES, KEYWORD_STOP_WORDS
from answers.ingest.words import Token

__all__ = ["keywords_named"]

# What questions call a keyword they ask about ("the with statement"); not "loop": "in a for
# loop" asks about something done in one.
KIND_WORDS = frozenset(
    "keyword keywords statement statements operator operators clause clauses".split()
)
USING = frozenset("use uses used using".split())
# Words that cannot follow "use <stop word>" in English: "use with when", "use is instead".
ODD_AFTER = frozenset("when instead rather or vs versus to for over".split())
CHOICE = frozenset("or and vs versus".split())  # "is or ==": a choice between two things


def keywords_named(found: Sequence[Token]) -> set[str]:
    """The stop words that `found` (a question's tokens in order) asks about as keywords."""
    named: set[str] = set()
    for i, token in enumerate(found):
        word = token.word
        if token.is_code or word not in KEYWORD_STOP_WORDS:
            continue
        before = found[i - 1].word if i > 0 else ""
        after = found[i + 1].word if i + 1 < len(found) else ""
        if after in KIND_WORDS and (before in ARTICLES or before in USING):
            named.add(word)
        elif before in USING and (not after or after in ODD_AFTER):
            named.add(word)
        elif _beside_code(found, i):
            named.add(word)
    return named


def _beside_code(found: Sequence[Token], i: int) -> bool:
    """Whether found[i] and a code token are the two sides of "X or Y" ("is or ==")."""
    for link, other in ((i + 1, i + 2), (i - 1, i - 2)):
        if 0 <= other < len(found) and found[link].word in CHOICE:
            if found[other].is_code and not found[other].part_of:
                return True
    return False
