"""A follow-up made to stand on its own, so it can be researched and cached like any question.

"how long do they stay?", asked in a thread that began with "How does
factbot cache answers?", means nothing alone. A `StandaloneWriter` turns the
follow-up and the thread's earlier questions into an `Understood`:

- with an LLM (`answers.backends.research.standalone`): one short rewrite call,
  "How long does factbot keep cached answers?";
- without one (`KeyTermsStandalone`, here): the question as asked, plus the
  earlier question's key words, which join its search as extra terms.

A question that already stands on its own comes back as None: it is answered
and cached exactly as if it had been asked outside the thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from answers.ingest.words import words
from answers.model import Understood
from answers.ranking.question import question_words

__all__ = ["KeyTermsStandalone", "StandaloneWriter", "key_terms_standalone"]

MAX_CONTEXT_TERMS = 6  # earlier words that join a follow-up's search
OWN_WORDS_TO_STAND_ALONE = 3  # a question with this many topic words of its own needs no context
# Words that point back at something said earlier: a question with one needs its context.
REFERRING_WORDS = frozenset(
    """
    it its they them their theirs this that these those there then he him his she her
    one ones same such former latter above previous earlier last
    """.split()
)


class StandaloneWriter(Protocol):
    async def standalone(self, question: str, earlier: Sequence[str]) -> Understood | None:
        """`question` understood with the thread's `earlier` questions (oldest first), or None
        when it stands on its own. Never raises: a writer that fails falls back to key terms."""
        ...


def key_terms_standalone(question: str, earlier: Sequence[str]) -> Understood | None:
    """The question as asked, with the most recent earlier question's key words as extra search
    terms; None when there is no earlier question, or the question names its own topic (three or
    more topic words and no word such as "it" or "they" that points back)."""
    if not earlier:
        return None
    own = question_words(question)
    refers_back = any(word in REFERRING_WORDS for word in words(question))
    if len(own) >= OWN_WORDS_TO_STAND_ALONE and not refers_back:
        return None
    mine = set(own)
    terms: list[str] = []
    for turn in reversed(earlier):  # the latest earlier question with topic words of its own
        terms += [w for w in question_words(turn) if w not in mine and w not in terms]
        if terms:
            break
    if not terms:
        return None
    return Understood(question=question, terms=tuple(terms[:MAX_CONTEXT_TERMS]))


class KeyTermsStandalone:
    """The `StandaloneWriter` with no LLM (see `key_terms_standalone`)."""

    async def standalone(self, question: str, earlier: Sequence[str]) -> Understood | None:
        return key_terms_standalone(question, earlier)
