"""Markdown to blocks with markdown-it (CommonMark plus tables).

Inline markup goes (`**bold**` → bold, `[text](url)` → text, `` `code` `` →
code) so quoted sentences read as prose; fenced and indented code stays
verbatim (a code block travels with the sentence that introduces it); table
rows become blocks of their own; raw HTML blocks are read as HTML.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token

from answers.ingest.html import html_fragment_blocks
from answers.ingest.model import Block, collapse

__all__ = ["read_markdown"]

_PARSER = MarkdownIt("commonmark", {"html": True}).enable("table")


def _spans(token: Token) -> tuple[str, ...]:
    """The inline code of an inline token, in order, each once."""
    found = (collapse(c.content) for c in token.children or () if c.type == "code_inline")
    return tuple(dict.fromkeys(span for span in found if span))


def _inline_text(token: Token) -> str:
    parts: list[str] = []
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)  # the alt text
    return collapse("".join(parts))


def read_markdown(text: str) -> list[Block]:
    tokens = _PARSER.parse(text)
    blocks: list[Block] = []
    cells: list[str] = []
    heading_level = 0
    in_cell = False
    for token in tokens:
        kind = token.type
        if kind == "heading_open":
            heading_level = int(token.tag[1:]) if token.tag[1:].isdigit() else 1
        elif kind == "heading_close":
            heading_level = 0
        elif kind in ("th_open", "td_open"):
            in_cell = True
        elif kind in ("th_close", "td_close"):
            in_cell = False
        elif kind == "tr_close":
            row = " | ".join(cells)
            if row.strip(" |"):
                blocks.append(Block("table", row))
            cells = []
        elif kind == "inline":
            content = _inline_text(token)
            if in_cell:
                cells.append(content)
            elif heading_level:
                blocks.append(Block("heading", content, heading_level, _spans(token)))
            elif content:
                blocks.append(Block("prose", content, spans=_spans(token)))
        elif kind in ("fence", "code_block"):
            if token.content.strip():
                blocks.append(Block("code", token.content.rstrip("\n")))
        elif kind == "html_block":
            blocks.extend(html_fragment_blocks(token.content))
    return blocks
