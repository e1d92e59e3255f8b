"""Keywords that are English stop words, where prose names them: "the with statement".

Many languages' keywords are stop words (with, is, in, not, and, or, for, while, if, as, from,
where, like...). Documents mark them as code when they can (`with`), and a question asking
about one searches it as code (`answers.ingest.words.code_term`). Prose that does not mark
them still names them in two ways, found here so the passage is found for the keyword too:

- before a word for a kind of keyword, after an article: "the with statement", "the is
  operator", "a for loop", "the WHERE clause";
- in capitals in a sentence that is not all capitals: "x IS NOT NULL", "use LIKE to match".
"""

from __future__ import annotations

import re

__all__ = ["ARTICLES", "KEYWORD_STOP_WORDS", "KIND_WORDS", "named_keywords"]

# Stop words that are keywords in some common language (Python, SQL, JavaScript, C, shell,
# Ruby, Lua, Kotlin): the only ones a question or a document can name as keywords.
KEYWORD_STOP_WORDS = frozenset(
    """
    and as at between by do else for from if in into is like not of on or then this until when
    where while with all any over before after out
    """.split()
)
# What documents call a keyword: "the with statement", "a for loop", "the is operator".
KIND_WORDS = frozenset(
    """
    keyword keywords statement statements operator operators clause clauses loop loops block
    blocks expression expressions
    """.split()
)
ARTICLES = frozenset("the a an s".split())  # "Python's with statement": the possessive s

_WORD = re.compile(r"[^\W\d_]+")
_LOWER = re.compile(r"[a-z]")


def named_keywords(text: str) -> tuple[str, ...]:
    """The stop words `text` names as keywords (see the module docstring), folded, each once."""
    found: dict[str, None] = {}
    for line in text.splitlines():
        written = _WORD.findall(line)
        folded = [w.casefold() for w in written]
        has_lower = bool(_LOWER.search(line))
        for i, word in enumerate(folded):
            if word not in KEYWORD_STOP_WORDS:
                continue
            before = folded[i - 1] if i > 0 else ""
            after = folded[i + 1] if i + 1 < len(folded) else ""
            if after in KIND_WORDS and before in ARTICLES:
                found[word] = None
            elif has_lower and len(word) > 1 and written[i].isupper():
                found[word] = None
    return tuple(found)
