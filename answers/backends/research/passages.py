"""From read pages to numbered evidence: paragraph passages, ranked, capped per source.

Short neighbouring paragraphs under one heading are joined and long ones are
cut at sentence ends, so a passage is about `TARGET_WORDS` words. Passages
are ranked against the question with BM25 (`answers.ranking`), at most
`per_source` are kept from one page, and the survivors get evidence ids
E1, E2, ... in rank order: the ids an LLM writer cites.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from answers.backends.research.pages import Page
from answers.evidence import Passage
from answers.ingest.sentences import sentence_spans
from answers.model import DraftSource
from answers.ranking import rank_passages

__all__ = ["MAX_EVIDENCE", "PER_SOURCE", "page_passages", "select_evidence"]

TARGET_WORDS = 120
MAX_WORDS = 220
MAX_EVIDENCE = 16
PER_SOURCE = 4


def _word_runs(sentence: str) -> list[str]:
    """The sentence, or runs of TARGET_WORDS words when it is over MAX_WORDS (text with no full
    stops): one passage must not fill the LLM's context."""
    words = sentence.split()
    if len(words) <= MAX_WORDS:
        return [sentence]
    return [" ".join(words[i : i + TARGET_WORDS]) for i in range(0, len(words), TARGET_WORDS)]


def _split_long(text: str) -> list[str]:
    """Cut a long paragraph at sentence ends into pieces of at most about MAX_WORDS words."""
    if len(text.split()) <= MAX_WORDS:
        return [text]
    pieces: list[str] = []
    current: list[str] = []
    words = 0
    for span in sentence_spans(text):
        for sentence in _word_runs(text[span.start : span.end]):
            count = len(sentence.split())
            if current and words + count > TARGET_WORDS:
                pieces.append(" ".join(current))
                current, words = [], 0
            current.append(sentence)
            words += count
    if current:
        pieces.append(" ".join(current))
    return pieces


def page_passages(page: Page, source: DraftSource) -> list[Passage]:
    """The page's main text as passages (evidence ids not yet given)."""
    passages: list[Passage] = []
    buffer: list[str] = []
    heading = ""

    def flush() -> None:
        if buffer:
            passages.append(Passage("", " ".join(buffer), source, 0.0, heading))
            buffer.clear()

    title = page.title.casefold()
    for block in page.blocks:
        # The page's own title as its first heading says nothing the source title does not.
        block_heading = "" if block.heading.casefold() == title else block.heading
        if block_heading != heading:
            flush()
            heading = block_heading
        for piece in _split_long(block.text):
            if buffer and len(" ".join([*buffer, piece]).split()) > TARGET_WORDS:
                flush()
            buffer.append(piece)
    flush()
    return passages


def select_evidence(
    question: str,
    sourced_pages: Sequence[tuple[Page, DraftSource]],
    *,
    limit: int = MAX_EVIDENCE,
    per_source: int = PER_SOURCE,
) -> list[Passage]:
    """The best passages for the question across all pages, numbered E1..En."""
    candidates = [p for page, source in sourced_pages for p in page_passages(page, source)]
    kept: list[Passage] = []
    per_url: dict[str, int] = {}
    for passage in rank_passages(question, candidates):
        taken = per_url.get(passage.source.url, 0)
        if taken >= per_source:
            continue
        per_url[passage.source.url] = taken + 1
        kept.append(passage)
        if len(kept) >= limit:
            break
    return [replace(p, evidence_id=f"E{i}") for i, p in enumerate(kept, start=1)]
