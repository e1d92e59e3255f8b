"""The pieces every format reader produces: headings, paragraphs, code and table rows."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["Block", "BlockKind", "collapse"]

BlockKind = Literal["heading", "prose", "code", "table"]

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Block:
    """A heading, a paragraph (or list item, quote), a code block or a table row."""

    kind: BlockKind
    text: str
    level: int = 0  # heading level, 1 for a title


def collapse(text: str) -> str:
    """One line, single spaces."""
    return _SPACE.sub(" ", text).strip()
