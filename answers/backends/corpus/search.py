"""Searching the corpus index: BM25 over its FTS5 table, re-ranked by what each passage covers.

BM25 (titles and headings weigh more) hands its best CANDIDATES to
re-ranking by the share of the question each passage holds and what its
heading announces (`answers.ranking`); a question term no passage has is
first corrected to the closest spelling the index holds, and two question
words the documents write as one ("back up": backup) are searched as that
word too (`answers.ranking.compounds`), as is the opposite of a word the question
says a thing is ("mutable": immutable, `answers.ranking.antonyms`). An SQLite built
without FTS5 ranks every passage in Python instead.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, replace

from answers.backends.corpus.database import (
    PASSAGE_COLUMNS,
    acronyms_for,
    close_spellings,
    frequencies,
    passage_count,
    passages_of,
    phrase_count,
    prose_with,
)
from answers.evidence import Passage
from answers.ingest.words import index_token, stem
from answers.ranking.acronyms import Expansion, acronym_lookups, with_acronyms
from answers.ranking.antonyms import opposites, with_opposites
from answers.ranking.bm25 import Bm25, idf_of, passage_terms, term_weights
from answers.ranking.compounds import Compound, compounds, with_compounds
from answers.ranking.coverage import coverage_of, rarest_terms
from answers.ranking.headings import api_named_terms, focus_of
from answers.ranking.question import MAX_QUERY_TERMS, Query
from answers.ranking.scoring import combined_score, rank_passages
from answers.ranking.spelling import corrected
from answers.ranking.symbols import is_symbol, symbol_names, with_symbol_names

__all__ = ["CorpusMatches", "search_index"]

log = logging.getLogger(__name__)

# bm25() weights per FTS column: a word in the title or a heading says more than one in a paragraph.
FTS_WEIGHTS = (2.0, 3.0, 1.0, 1.0, 0.5)  # title, heading, parents, text, code (code and tables)
CANDIDATES = 80  # passages BM25 hands to re-ranking
MIN_JOIN_USES = 2  # "back up" is searched as backup when at least this many passages write it so


@dataclass(frozen=True)
class CorpusMatches:
    """What a search found: the question's terms, the passages best first, and each term's
    weight (how rare it is in the whole corpus)."""

    query: Query
    passages: list[Passage]
    weights: dict[str, float]


def search_index(
    conn: sqlite3.Connection, query: Query, *, limit: int, has_fts: bool
) -> CorpusMatches:
    """The passages best matching `query`, best first (see the module docstring)."""
    documents = passage_count(conn)
    if not query:
        return CorpusMatches(query, [], {})
    if not has_fts:
        return _search_in_python(conn, query, limit)
    frequency = frequencies(conn, [index_token(t.term) for t in query.terms])
    if any(not frequency.get(index_token(t.term)) for t in query.terms):
        query = corrected(
            query,
            lambda term: frequency.get(index_token(term), 0) > 0,
            lambda term: close_spellings(conn, term),
        )
    joined = compounds(query.question)
    if joined:
        uses = frequencies(conn, [index_token(c.term) for c in joined])
        query = with_compounds(query, lambda c: _written_as_one(conn, c, uses))
    opposed = [o for found in opposites(query.question).values() for o in found]
    if opposed:
        held = frequencies(conn, [index_token(o) for o in opposed])
        query = with_opposites(query, lambda term: held.get(index_token(term), 0) > 0)
    if any(is_symbol(t) for t in query.terms):
        query = with_symbol_names(
            query, lambda symbol: symbol_names(symbol, prose_with(conn, symbol))
        )
    shorts, firsts = acronym_lookups(query)
    expansions = acronyms_for(conn, shorts, firsts)
    if expansions:
        query = with_acronyms(query, [Expansion(a, tuple(t.split()), n) for a, t, n in expansions])
    spelt = {_spelling(term): term for term in query.search_terms}
    frequency = frequencies(conn, [s for s in spelt if " " not in s])
    frequency.update({s: phrase_count(conn, s) for s in spelt if " " in s})
    # A term with other words is as rare as its commonest spelling.
    others = {t.term: t.alternatives for t in query.terms}

    def passages_with(term: str) -> int:
        spellings = (term, *others.get(term, ()))
        return max(frequency.get(_spelling(s), 0) for s in spellings)

    weights = term_weights(
        query,
        lambda term: idf_of(passages_with(term), documents),
        present=lambda term: passages_with(term) > 0,
    )
    match = " OR ".join(f'"{token}"' for token in list(spelt)[:MAX_QUERY_TERMS])
    fts_weights = ", ".join(str(w) for w in FTS_WEIGHTS)
    try:
        rows = conn.execute(
            f"SELECT {PASSAGE_COLUMNS}, -bm25(passages_fts, {fts_weights}) AS relevance, "
            "passages_fts.title, passages_fts.heading, passages_fts.parents, "
            "passages_fts.text, passages_fts.code "
            "FROM passages_fts JOIN passages p ON p.id = passages_fts.rowid "
            "JOIN files f ON f.path = p.path WHERE passages_fts MATCH ? "
            "ORDER BY relevance DESC, p.path, p.ordinal LIMIT ?",
            (match, max(limit, CANDIDATES)),
        ).fetchall()
    except sqlite3.OperationalError as exc:
        log.warning("corpus search failed for %r: %s", query.question[:80], exc)
        return CorpusMatches(query, [], weights)
    ranked = _rerank(query, weights, spelt, passages_with, rows)[:limit]
    found = passages_of(conn, [row for _, row in ranked])
    scored = [
        replace(p, score=round(score, 6)) for p, (score, _) in zip(found, ranked, strict=True)
    ]
    return CorpusMatches(query, scored, weights)


def _written_as_one(conn: sqlite3.Connection, compound: Compound, uses: dict[str, int]) -> bool:
    """Whether the documents write the two words as one ("backup") more often than apart
    ("built-in" stays two words) in at least `MIN_JOIN_USES` passages."""
    joined = uses.get(index_token(compound.term), 0)
    if joined < MIN_JOIN_USES:
        return False
    return joined > phrase_count(conn, " ".join(index_token(stem(p)) for p in compound.parts))


def _spelling(term: str) -> str:
    """A term as the index spells it; the words of a phrase ("write ahead log") each so."""
    return " ".join(index_token(word) for word in term.split(" "))


def _rerank(
    query: Query,
    weights: dict[str, float],
    spelt: dict[str, str],
    passages_with: Callable[[str], int],
    rows: list[tuple[object, ...]],
) -> list[tuple[float, tuple[object, ...]]]:
    """Candidates scored by BM25 (scaled to the best) and the share of the question each
    holds, with its heading; ties keep the index's order."""
    top = max((float(str(row[12])) for row in rows), default=0.0) or 1.0
    present = frozenset(t.term for t in query.terms if passages_with(t.term))
    # A column token is a question term, or a word of a phrase searched ("write ahead log").
    heard = {token: term for token, term in spelt.items() if " " not in token}
    for spelling, term in spelt.items():
        if " " in spelling:
            heard.update(zip(spelling.split(" "), term.split(" "), strict=True))
    rarest = rarest_terms(query, weights, present)
    scored: list[tuple[float, int, tuple[object, ...]]] = []
    for n, row in enumerate(rows):
        title, heading, parents, text, code = (str(v) for v in row[13:18])
        found = frozenset(
            heard[token]
            for column in (title, heading, parents, text, code)
            for token in column.split()
            if token in heard
        )
        named = api_named_terms(query, weights, str(row[2]))
        coverage = coverage_of(query, weights, found, rarest, named=named)
        # What the heading announces: a signature's name, else the heading, else the title.
        focus = focus_of(query, weights, str(row[2]), str(row[6]))
        score = combined_score(float(str(row[12])) / top, coverage, focus, part=int(str(row[10])))
        scored.append((score, n, row[:12]))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [(score, row) for score, _, row in scored]


def _search_in_python(conn: sqlite3.Connection, query: Query, limit: int) -> CorpusMatches:
    everything = passages_of(
        conn,
        conn.execute(
            f"SELECT {PASSAGE_COLUMNS} FROM passages p "
            "JOIN files f ON f.path = p.path ORDER BY p.path, p.ordinal"
        ).fetchall(),
    )
    bm25 = Bm25([passage_terms(p) for p in everything])
    weights = term_weights(query, bm25.idf)
    return CorpusMatches(query, rank_passages(query, everything, limit=limit), weights)
