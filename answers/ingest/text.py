"""Plain text to blocks: paragraphs are separated by blank lines.

A heading is a line under `===` or `---`, a line starting with `#`, or a
short line of its own that does not end like a sentence. Bulleted or
numbered lines become one block each; a paragraph indented four spaces (or a
tab) throughout is code, kept verbatim but for the shared indentation.
"""

from __future__ import annotations

import re
import textwrap

from answers.ingest.model import Block, collapse

__all__ = ["read_text"]

MAX_HEADING_CHARS = 80
MAX_HEADING_WORDS = 12

_BLANK = re.compile(r"\n[ \t]*\n")
_HASH_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_UNDERLINE = re.compile(r"^\s*(=+|-+)\s*$")
_INDENTED = re.compile(r"^(?: {4}|\t)")
_ITEM = re.compile(r"^\s*(?:[-*•+]|\d{1,3}[.)])\s+")


def _looks_like_heading(line: str) -> bool:
    text = line.strip()
    return (
        0 < len(text) <= MAX_HEADING_CHARS
        and len(text.split()) <= MAX_HEADING_WORDS
        and not text.endswith((".", "!", "?", ",", ";", ":", "…"))
        and any(ch.isalpha() for ch in text)
        and not _ITEM.match(text)
    )


def _items(lines: list[str]) -> list[str] | None:
    """A bulleted or numbered list as one string per item, or None if this is not a list."""
    if not _ITEM.match(lines[0]):
        return None
    items: list[str] = []
    for line in lines:
        marker = _ITEM.match(line)
        if marker:
            items.append(line[marker.end() :])
        elif line.startswith((" ", "\t")):
            items[-1] += " " + line
        else:
            return None
    return [collapse(item) for item in items]


def read_text(text: str) -> list[Block]:
    blocks: list[Block] = []
    paragraphs = [p for p in _BLANK.split(text) if p.strip()]
    for index, paragraph in enumerate(paragraphs):
        raw_lines = paragraph.strip("\n").split("\n")
        if blocks and all(_INDENTED.match(line) for line in raw_lines if line.strip()):
            code = textwrap.dedent("\n".join(line.rstrip() for line in raw_lines)).strip("\n")
            blocks.append(Block("code", code))
            continue
        lines = [line.rstrip() for line in raw_lines if line.strip()]
        hashed = _HASH_HEADING.match(lines[0].strip())
        if hashed:
            blocks.append(Block("heading", collapse(hashed.group(2)), len(hashed.group(1))))
            lines = lines[1:]
        elif len(lines) >= 2 and _UNDERLINE.match(lines[1]) and _looks_like_heading(lines[0]):
            level = 1 if lines[1].strip().startswith("=") else 2
            blocks.append(Block("heading", collapse(lines[0]), level))
            lines = lines[2:]
        elif len(lines) == 1 and index + 1 < len(paragraphs) and _looks_like_heading(lines[0]):
            blocks.append(Block("heading", collapse(lines[0]), 1 if not blocks else 2))
            continue
        if not lines:
            continue
        items = _items(lines)
        if items is not None:
            blocks.extend(Block("prose", item) for item in items if item)
        else:
            blocks.append(Block("prose", collapse(" ".join(lines))))
    return blocks
