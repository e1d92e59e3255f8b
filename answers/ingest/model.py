"""What every reader produces: a document as plain, picklable blocks (headings, prose, code, tables).

The same shape for a corpus file and a fetched web page, so one chunker, one
index and one writer serve both. Plain frozen dataclasses with no behaviour
that needs shared state: a document can cross a process boundary as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal, get_args

__all__ = ["BLOCK_KINDS", "Block", "BlockKind", "IngestedDocument", "collapse"]

# "term" is a definition-list term (an API signature, a glossary entry): the heading of the
# definition that follows it, one level below the heading above it. "end" (no text) ends a
# definition list: its terms at `level` and below head nothing after it.
BlockKind = Literal["heading", "term", "prose", "code", "table", "end"]
BLOCK_KINDS: frozenset[str] = frozenset(get_args(BlockKind))

_SPACE = re.compile(r"\s+")


def collapse(text: str) -> str:
    """One line, single spaces."""
    return _SPACE.sub(" ", text).strip()


@dataclass(frozen=True)
class Block:
    """A heading (or definition term), a paragraph or list item, a code block or a table row.

    `text` of a code block is verbatim (line breaks and indentation kept); every other
    kind is one line with single spaces.
    """

    kind: BlockKind
    text: str
    level: int = 0  # heading and term depth, 1 for a title
    spans: tuple[str, ...] = ()  # the text's inline code (`is`, `os.path.join()`), in order

    @property
    def is_heading(self) -> bool:
        return self.kind in ("heading", "term")


@dataclass(frozen=True)
class IngestedDocument:
    """A document as read: where it came from, what it is called, and its blocks in order."""

    title: str
    url: str  # the page's canonical link or front matter url; "" when it declares none
    publisher: str
    published: date | None
    blocks: tuple[Block, ...]

    @property
    def text(self) -> str:
        """The plain text: blocks separated by a blank line."""
        return "\n\n".join(block.text for block in self.blocks if block.kind != "end")

    @property
    def text_length(self) -> int:
        return sum(len(b.text) for b in self.blocks if b.kind != "code")
