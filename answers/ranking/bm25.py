"""BM25 over passages: what a passage is searched on, how rare each term is, and its weight."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence

from answers.evidence import Passage
from answers.ingest.table_rows import row_names
from answers.ingest.words import span_terms, terms
from answers.ranking.question import Query

__all__ = ["Bm25", "commonest_spelling", "idf_of", "passage_terms", "term_weights"]

BM25_K1 = 1.2
BM25_B = 0.75
HEADING_WEIGHT = 2  # a heading's words count twice: it says what the paragraph is about
ABSENT_WEIGHT = 1.5  # a word no document has weighs up to this times the rarest one they have


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
        self._frequency = frequency
        n = len(documents)
        self._idf = {t: math.log(1 + (n - df + 0.5) / (df + 0.5)) for t, df in frequency.items()}

    def __len__(self) -> int:
        return len(self._counts)

    def idf(self, term: str) -> float:
        """How rare a term is across the documents (0 when no document has it)."""
        if " " in term and term not in self._frequency:
            self._learn_phrase(term)
        return self._idf.get(term, 0.0)

    def document_frequency(self, term: str) -> int:
        if " " in term and term not in self._frequency:
            self._learn_phrase(term)
        return self._frequency.get(term, 0)

    def _learn_phrase(self, phrase: str) -> None:
        """A phrase ("write ahead log", an acronym's long form) counts where all its words are,
        as often as its scarcest word."""
        found = [min(counts.get(w, 0) for w in phrase.split()) for counts in self._counts]
        df = sum(1 for tf in found if tf)
        self._frequency[phrase] = df
        if df:
            n = len(self._counts)
            self._idf[phrase] = math.log(1 + (n - df + 0.5) / (df + 0.5))
            for counts, tf in zip(self._counts, found, strict=True):
                if tf:
                    counts[phrase] = tf

    def score(
        self, query: Iterable[str], index: int, weights: Mapping[str, float] | None = None
    ) -> float:
        counts = self._counts[index]
        norm = self.k1 * (1 - self.b + self.b * self._lengths[index] / (self._average or 1.0))
        total = 0.0
        for term in dict.fromkeys(query):
            if " " in term and term not in self._frequency:
                self._learn_phrase(term)
            tf = counts.get(term, 0)
            if tf:
                factor = weights.get(term, 1.0) if weights is not None else 1.0
                total += factor * self._idf[term] * tf * (self.k1 + 1) / (tf + norm)
        return total

    def scores(
        self, query: Iterable[str], weights: Mapping[str, float] | None = None
    ) -> list[float]:
        query = list(dict.fromkeys(query))
        return [self.score(query, i, weights) for i in range(len(self._counts))]


def passage_terms(passage: Passage) -> list[str]:
    """What a passage is searched on: its text, its headings (weighted) and its source's title."""
    heading = terms(passage.heading) * HEADING_WEIGHT
    above = [t for h in passage.parents for t in terms(h)]
    return [
        *terms(passage.text),
        *heading,
        *above,
        *terms(passage.source.title),
        *span_terms(passage.spans),
        *(t for name in row_names(passage.text, passage.source.title) for t in terms(name)),
    ]


def idf_of(document_frequency: int, documents: int) -> float:
    """BM25's inverse document frequency; a term no document has weighs as one only one has."""
    df = max(document_frequency, 1)
    return math.log(1 + (max(documents, 1) - df + 0.5) / (df + 0.5))


def commonest_spelling(query: Query, bm25: Bm25) -> Callable[[str], str]:
    """For each query term, the spelling (itself or one of its other words) most passages use."""
    others = {t.term: t.alternatives for t in query.terms}

    def spelling(term: str) -> str:
        return max((term, *others.get(term, ())), key=bm25.document_frequency)

    return spelling


def term_weights(
    query: Query, idf: Callable[[str], float], present: Callable[[str], bool] | None = None
) -> dict[str, float]:
    """Each query term's weight: its rarity (`idf`) times its factor (parts, numbers and an
    earlier question's terms count less). A term no document has (`present` says which do)
    weighs at most ABSENT_WEIGHT times the rarest one some document has: it may be a word
    the documents put otherwise, but more often it is what the question is about and the
    documents never mention ("pivot table in Excel"), so one rare word beside it does not
    cover the question; two do."""
    rarity = {t.term: idf(t.term) for t in query.terms}
    if present is not None:
        seen = [rarity[t.term] for t in query.terms if present(t.term)]
        if seen:
            cap = ABSENT_WEIGHT * max(seen)
            rarity = {t: w if present(t) else min(w, cap) for t, w in rarity.items()}
    return {t.term: rarity[t.term] * t.factor for t in query.terms}
