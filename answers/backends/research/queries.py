"""Search queries for a question: the question itself, its key terms, and a fact-check form.

Search engines do best with plain words (no operators), so the variants only
drop filler words; an LLM, when configured, may plan the queries instead
(`answers.backends.research.llm.LLMWriter.plan_queries`).
"""

from __future__ import annotations

import re

__all__ = ["MAX_QUERIES", "key_terms", "plan_queries"]

MAX_QUERIES = 3
MAX_QUERY_CHARS = 200

_WORD = re.compile(r"[\w][\w'’.-]*", re.UNICODE)
_FILLER = frozenset(
    """
    a an the and or but of to in on at by for with from about into over under as is are was were
    be been being am do does did done has have had having will would shall should can could may
    might must it its this that these those there here what which who whom whose when where why
    how if then than so such very really just also not no yes i me my we our you your he him his
    she her they them their tell explain please true truth really actually anything something
    whether any some much many more most
    """.split()
)


def key_terms(question: str) -> list[str]:
    """The question's words without filler, in order and without repeats."""
    terms: list[str] = []
    seen: set[str] = set()
    for match in _WORD.finditer(question):
        word = match.group().strip(".-'’")
        folded = word.casefold()
        if not word or folded in _FILLER or folded in seen:
            continue
        seen.add(folded)
        terms.append(word)
    return terms


def plan_queries(question: str, *, limit: int = MAX_QUERIES) -> list[str]:
    """Up to `limit` distinct queries, the question itself first."""
    text = " ".join(question.split())[:MAX_QUERY_CHARS]
    terms = key_terms(text)
    candidates = [text]
    if terms:
        candidates.append(" ".join(terms))
        candidates.append(" ".join(terms[:8]) + " fact check")
    queries: list[str] = []
    seen: set[str] = set()
    for query in candidates:
        folded = query.casefold().rstrip("?").strip()
        if folded and folded not in seen:
            seen.add(folded)
            queries.append(query)
    return queries[:limit]
