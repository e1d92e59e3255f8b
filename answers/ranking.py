"""Ranking passages against a question with BM25, in memory, with no dependencies.

Any backend can use it: the corpus backend's writer scores sentences with it,
and the web research backend ranks the paragraphs of fetched pages with it.

    ranked = rank_passages("How does factbot cache answers?", passages, limit=20)

`rank_passages` returns the passages that share at least one search term with
the question, best first, each with `score` set to its BM25 score (the ties
keep their input order, so the result is deterministic). Words are folded
(NFKC, case, accents), stop words dropped and English endings stripped by the
Snowball stemmer (`stem`), so "caching", "caches" and "cache" match, much as
SQLite's porter tokenizer matches them in the corpus index.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import snowballstemmer  # type: ignore[import-untyped]

from answers.evidence import Passage

__all__ = [
    "QUESTION_FILLER",
    "STOP_WORDS",
    "Bm25",
    "QuestionTerm",
    "passage_terms",
    "question_terms",
    "question_words",
    "rank_passages",
    "stem",
    "terms",
    "words",
]

BM25_K1 = 1.2
BM25_B = 0.75
HEADING_WEIGHT = 2  # a heading's words count twice: it says what the paragraph is about

_WORD = re.compile(r"[^\W_]+", re.UNICODE)

STOP_WORDS = frozenset(
    """
    a about above after again against all also am an and any are aren as at be because been
    before being below between both but by can cannot could couldn did didn do does doesn doing
    don during each either else ever every few for from further get gets got had hadn has
    hasn have haven having he her here hers herself him himself his how however i if in into is
    isn it its itself just let like ll may me might more most must mustn my myself no nor not now
    of off on once only or other ought our ours ourselves out over own per please re really same
    shall shan she should shouldn so some such tell than that the their theirs them themselves
    then there these they this those through to too under until up upon us ve very via was wasn
    we were weren what when where whether which while who whom whose why will with within without
    won would wouldn yes yet you your yours yourself yourselves
    """.split()
)


# Words that carry the asking, not the topic: "What happens when...", "How does X work?".
QUESTION_FILLER = frozenset(
    """
    happen happens happened happening mean means meant work works explain describe tell know
    show find give list difference differences exactly actually really possible ok okay way ways
    thing things kind kinds type types example examples please thanks anyone someone something
    anything much many long use used using according regarding concerning
    """.split()
)


def _fold(text: str) -> str:
    """NFKC, case folding and accents removed, so 'Café' and 'cafe' are one word."""
    if text.isascii():
        return text.lower()  # the common case, a hundred times faster
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The folded words of `text`, in order (letters and digits; `REDIS_URL` is two words)."""
    return _WORD.findall(_fold(text))


_ENGLISH = snowballstemmer.stemmer("english")


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Snowball (Porter 2) English stem of a folded word, so cache/caches/caching/cached share
    'cach' and eruption/erupt share 'erupt'. Numbers and one- and two-letter words stay as they are."""
    if len(word) < 3 or not word.isalpha():
        return word
    stemmed: str = _ENGLISH.stemWord(word)
    return stemmed


def terms(text: str) -> list[str]:
    """The search terms of `text`: stemmed words, stop words and one-letter words dropped."""
    return [stem(w) for w in words(text) if w not in STOP_WORDS and (len(w) > 1 or w.isdigit())]


@dataclass(frozen=True)
class QuestionTerm:
    """A search term of the question and the word the person typed for it."""

    term: str
    word: str


def question_words(question: str) -> list[str]:
    """The words of a question worth searching for, in order, each once: stop words and the
    words of asking ("happens", "explain", "work") dropped."""
    kept = (
        w
        for w in words(question)
        if w not in STOP_WORDS and w not in QUESTION_FILLER and (len(w) > 1 or w.isdigit())
    )
    return list(dict.fromkeys(kept))


def question_terms(question: str) -> list[QuestionTerm]:
    """The question's distinct search terms (`question_words`, stemmed) in the order asked."""
    found: dict[str, QuestionTerm] = {}
    for word in question_words(question):
        term = stem(word)
        found.setdefault(term, QuestionTerm(term=term, word=word))
    return list(found.values())


class Bm25:
    """Okapi BM25 over a fixed list of documents, each a list of terms."""

    def __init__(
        self, documents: Sequence[Sequence[str]], *, k1: float = BM25_K1, b: float = BM25_B
    ) -> None:
        self.k1 = k1
        self.b = b
        self._counts = [Counter(doc) for doc in documents]
        self._lengths = [len(doc) for doc in documents]
        self._average = (sum(self._lengths) / len(documents)) if documents else 0.0
        frequency: Counter[str] = Counter()
        for counts in self._counts:
            frequency.update(counts.keys())
        n = len(documents)
        self._idf = {t: math.log(1 + (n - df + 0.5) / (df + 0.5)) for t, df in frequency.items()}

    def __len__(self) -> int:
        return len(self._counts)

    def idf(self, term: str) -> float:
        """How rare a term is across the documents (0 when no document has it)."""
        return self._idf.get(term, 0.0)

    def document_frequency(self, term: str) -> int:
        return sum(1 for counts in self._counts if term in counts)

    def score(self, query: Iterable[str], index: int) -> float:
        counts = self._counts[index]
        norm = self.k1 * (1 - self.b + self.b * self._lengths[index] / (self._average or 1.0))
        total = 0.0
        for term in dict.fromkeys(query):
            tf = counts.get(term, 0)
            if tf:
                total += self._idf[term] * tf * (self.k1 + 1) / (tf + norm)
        return total

    def scores(self, query: Iterable[str]) -> list[float]:
        query = list(dict.fromkeys(query))
        return [self.score(query, i) for i in range(len(self._counts))]


def passage_terms(passage: Passage) -> list[str]:
    """What a passage is searched on: its text, its heading (weighted) and its source's title."""
    heading = terms(passage.heading) * HEADING_WEIGHT
    return [*terms(passage.text), *heading, *terms(passage.source.title)]


def rank_passages(
    question: str, passages: Sequence[Passage], *, limit: int | None = None
) -> list[Passage]:
    """The passages sharing a term with the question, best first, `score` set to BM25.

    The statistics (how rare each word is) come from `passages` themselves, so
    pass every candidate at once. Ties keep their input order.
    """
    query = [t.term for t in question_terms(question)]
    if not query or not passages:
        return []
    bm25 = Bm25([passage_terms(p) for p in passages])
    scored = [(s, i) for i, s in enumerate(bm25.scores(query)) if s > 0]
    scored.sort(key=lambda item: (-item[0], item[1]))
    if limit is not None:
        scored = scored[:limit]
    return [replace(passages[i], score=round(s, 6)) for s, i in scored]
