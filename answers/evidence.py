"""Evidence: the passages a writer may quote or cite, whatever backend found them."""

from __future__ import annotations

from dataclasses import dataclass

from answers.ingest.chunks import CodeBlock
from answers.model import DraftSource

__all__ = ["CodeBlock", "Passage"]


@dataclass(frozen=True)
class Passage:
    """A paragraph (or a few, one per line) of one source, ranked against the question.

    `evidence_id` is how an LLM writer cites it (E1, E2, ...); `text` is the
    source's own words, so an extractive writer can quote it verbatim.
    """

    evidence_id: str
    text: str
    source: DraftSource
    score: float
    heading: str = ""  # the nearest heading above the passage in its document, if any
    parents: tuple[str, ...] = ()  # the headings above that one, outermost first
    code: tuple[CodeBlock, ...] = ()  # verbatim, each after the line of `text` introducing it
    part: int = 0  # 0 when the passage opens its heading's section, else how far into it
    spans: tuple[str, ...] = ()  # inline code in its text and heading (`is`, `zip()`)
    neighbours: tuple[str, ...] = ()  # headings near the passage in its document (follow-ups)
