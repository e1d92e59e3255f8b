"""From read pages to numbered evidence: the same chunks, ranking and coverage as the corpus.

Each page is cut by the one chunker (`answers.ingest.chunks`: prose under its
headings, about `CHUNK_WORDS` words, code with the sentence introducing it),
the chunks of every page are ranked together against the question
(`answers.ranking.rank_passages`: BM25, then how much of the question each
holds and how much its heading names), at most `per_source` are kept from one
page, and the survivors get evidence ids E1, E2, ... in rank order: the ids
an LLM writer cites.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from answers.backends.research.pages import Page
from answers.evidence import Passage
from answers.ingest.acronyms import Acronym, defined_acronyms
from answers.ingest.chunks import MAX_PARAGRAPH_WORDS, chunk_document
from answers.model import DraftSource
from answers.ranking.acronyms import expansions_of, with_acronyms
from answers.ranking.question import Query, analyse_question
from answers.ranking.scoring import rank_passages

__all__ = [
    "MAX_EVIDENCE",
    "MAX_WORDS",
    "PER_SOURCE",
    "page_passages",
    "select_evidence",
    "with_page_acronyms",
]

MAX_WORDS = MAX_PARAGRAPH_WORDS
MAX_EVIDENCE = 16
PER_SOURCE = 4
NEIGHBOUR_REACH = 6  # headings this many chunks either side of a passage are its neighbours


def page_passages(page: Page, source: DraftSource) -> list[Passage]:
    """The page's chunks as passages (evidence ids not yet given), each with the headings
    near it on the page (for follow-ups)."""
    chunks = chunk_document(page.as_document())
    title = page.title.casefold()
    passages: list[Passage] = []
    for chunk in chunks:
        near = sorted(
            chunks[max(0, chunk.ordinal - NEIGHBOUR_REACH) : chunk.ordinal + NEIGHBOUR_REACH + 1],
            key=lambda c: (abs(c.ordinal - chunk.ordinal), c.ordinal),
        )
        neighbours = tuple(
            dict.fromkeys(c.heading for c in near if c.heading and c.heading != chunk.heading)
        )
        # The page's own title as its first heading says nothing the source title does not.
        heading = "" if chunk.heading.casefold() == title else chunk.heading
        passages.append(
            Passage(
                evidence_id="",
                text=chunk.text,
                source=source,
                score=0.0,
                heading=heading,
                parents=chunk.parents,
                code=chunk.code,
                part=chunk.part,
                spans=chunk.spans,
                neighbours=neighbours,
            )
        )
    return [p for p in passages if p.text.strip()]


def _acronyms(page: Page) -> list[Acronym]:
    headings = [b.text for b in page.blocks if b.kind == "heading"]
    text = "\n".join(b.text for b in page.blocks if b.kind == "prose")
    return defined_acronyms(page.title, headings, text)


def with_page_acronyms(query: Query, sourced_pages: Sequence[tuple[Page, DraftSource]]) -> Query:
    """`query` searching an acronym's long form (and a long form's acronym) as the pages read
    define them (`answers.ranking.acronyms`)."""
    return with_acronyms(query, expansions_of(_acronyms(page) for page, _ in sourced_pages))


def select_evidence(
    question: str | Query,
    sourced_pages: Sequence[tuple[Page, DraftSource]],
    *,
    limit: int = MAX_EVIDENCE,
    per_source: int = PER_SOURCE,
) -> list[Passage]:
    """The best passages for the question across all pages, numbered E1..En."""
    query = question if isinstance(question, Query) else analyse_question(question)
    candidates = [p for page, source in sourced_pages for p in page_passages(page, source)]
    kept: list[Passage] = []
    per_url: dict[str, int] = {}
    for passage in rank_passages(query, candidates):
        taken = per_url.get(passage.source.url, 0)
        if taken >= per_source:
            continue
        per_url[passage.source.url] = taken + 1
        kept.append(passage)
        if len(kept) >= limit:
            break
    return [replace(p, evidence_id=f"E{i}") for i, p in enumerate(kept, start=1)]
