"""One chunker for every document: passages under their headings, code with its introduction.

A chunk holds the prose under one heading (one paragraph per line, about
`CHUNK_WORDS` words: short paragraphs are joined, long ones cut at sentence
ends), the headings above that one, the code blocks of that stretch, each
tied to the paragraph just before it (the sentence that introduces it), and
its table rows. On a module's page, a row defining a member ("deque |
list-like container with ...", `answers.ingest.table_rows`) is a line of the
text. A chunk never starts with a code block whose introduction went to the
chunk before: the cut falls before a paragraph, never between a paragraph
and its code.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from answers.ingest.keywords import named_keywords
from answers.ingest.model import Block, IngestedDocument
from answers.ingest.names import qualified
from answers.ingest.sentences import sentence_spans
from answers.ingest.table_rows import defined_name, documented_module

__all__ = ["CHUNK_WORDS", "MAX_PARAGRAPH_WORDS", "Chunk", "CodeBlock", "chunk_document"]

CHUNK_WORDS = 160  # paragraphs are joined up to about this many words
MAX_PARAGRAPH_WORDS = 320  # a longer paragraph is cut at sentence ends into CHUNK_WORDS slices
MAX_HEADING_DEPTH = 12

_WORD_RUN = re.compile(r"\S+")


@dataclass(frozen=True)
class CodeBlock:
    """A code block, verbatim; `after` is the line of the chunk's text just before it (the
    paragraph that introduces it), -1 when no paragraph of the chunk comes before it."""

    after: int
    text: str


@dataclass(frozen=True)
class Chunk:
    ordinal: int
    heading: str  # the nearest heading (or definition term) above the text, "" for none
    parents: tuple[str, ...]  # the headings above that one, outermost first
    text: str  # one paragraph per line: what a writer may quote
    code: tuple[CodeBlock, ...] = ()
    tables: str = ""  # table rows, one per line: searched, not quoted
    part: int = 0  # 0 for the first chunk under its heading (the section's opening), then 1, ...
    spans: tuple[str, ...] = ()  # the inline code of its text and heading, each once

    @property
    def is_empty(self) -> bool:
        return not (self.text or self.code or self.tables)


def _units(text: str) -> Iterator[tuple[int, int, int]]:
    """(start, end, words) of each sentence; a sentence over MAX_PARAGRAPH_WORDS (text with no
    full stops, such as a data dump) comes as runs of CHUNK_WORDS words."""
    for span in sentence_spans(text):
        words = [m.span() for m in _WORD_RUN.finditer(text, span.start, span.end)]
        if len(words) <= MAX_PARAGRAPH_WORDS:
            yield span.start, span.end, len(words)
            continue
        for i in range(0, len(words), CHUNK_WORDS):
            run = words[i : i + CHUNK_WORDS]
            yield run[0][0], run[-1][1], len(run)


def split_paragraph(text: str) -> list[str]:
    """A paragraph over MAX_PARAGRAPH_WORDS as slices of about CHUNK_WORDS, cut at sentence
    ends; each slice is a slice of `text`."""
    if len(text.split()) <= MAX_PARAGRAPH_WORDS:
        return [text]
    pieces: list[str] = []
    start = end = 0
    count = 0
    for unit_start, unit_end, words in _units(text):
        if count and count + words > CHUNK_WORDS:
            pieces.append(text[start:end])
            start, count = unit_start, 0
        end = unit_end
        count += words
    pieces.append(text[start:end] if end > start else text[start:])
    return [p for p in pieces if p.strip()]


class _Chunker:
    def __init__(self, module: str | None = None) -> None:
        self.module = module  # the module the page documents: its table rows may define members
        self.chunks: list[Chunk] = []
        self.stack: list[tuple[int, str]] = []  # (level, heading) from the outermost
        self.lines: list[str] = []
        self.code: list[CodeBlock] = []
        self.tables: list[str] = []
        self.words = 0
        self.last_was_prose = False
        self.part = 0
        self.spans: list[str] = []
        self.heading_spans: tuple[str, ...] = ()

    def flush(self) -> None:
        if self.lines or self.code or self.tables:
            heading = self.stack[-1][1] if self.stack else ""
            parents = tuple(h for _, h in self.stack[:-1])
            self.chunks.append(
                Chunk(
                    ordinal=len(self.chunks),
                    heading=heading,
                    parents=parents,
                    text="\n".join(self.lines),
                    code=tuple(self.code),
                    tables="\n".join(self.tables),
                    part=self.part,
                    spans=tuple(dict.fromkeys((*self.heading_spans, *self.spans))),
                )
            )
            self.part += 1
        self.lines, self.code, self.tables, self.words = [], [], [], 0
        self.spans = []
        self.last_was_prose = False

    def heading(self, block: Block) -> None:
        self.flush()
        level = max(1, min(block.level or 1, MAX_HEADING_DEPTH))
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        self.part = 0
        self.heading_spans = (*block.spans, *named_keywords(block.text))
        text = block.text
        if block.kind == "term" and self.stack:
            # "maps" under "class collections.ChainMap(*maps)" says which maps it is.
            text = qualified(text, self.stack[-1][1]) or text
        self.stack.append((level, text))

    def end(self, level: int) -> None:
        """A definition list ended: its terms (at `level` and deeper) head nothing more."""
        if any(lvl >= level for lvl, _ in self.stack):
            self.flush()
            while self.stack and self.stack[-1][0] >= level:
                self.stack.pop()
            self.part = 1  # the heading above resumes, past its opening

    def prose(self, text: str, spans: tuple[str, ...] = ()) -> None:
        for piece in split_paragraph(text):
            size = len(piece.split())
            if self.lines and self.words + size > CHUNK_WORDS:
                self.flush()
            self.lines.append(piece)
            self.words += size
        # Keywords the prose names without marking them ("the with statement") count as code.
        self.spans.extend((*spans, *named_keywords(text)))
        self.last_was_prose = True

    def add_code(self, text: str) -> None:
        after = len(self.lines) - 1 if self.last_was_prose else -1
        self.code.append(CodeBlock(after=after, text=text))
        self.last_was_prose = False

    def table(self, text: str) -> None:
        if self.module is not None and defined_name(text) is not None:
            # "deque | list-like container with ...": a member's definition, quoted as prose.
            self.prose(text)
            return
        self.tables.append(text)
        self.last_was_prose = False


def chunk_document(document: IngestedDocument) -> list[Chunk]:
    """The document's chunks in order (see the module docstring)."""
    chunker = _Chunker(documented_module(document.title))
    for block in document.blocks:
        if block.is_heading:
            chunker.heading(block)
        elif block.kind == "end":
            chunker.end(block.level)
        elif block.kind == "prose":
            chunker.prose(block.text, block.spans)
        elif block.kind == "code":
            chunker.add_code(block.text)
        else:
            chunker.table(block.text)
    chunker.flush()
    return chunker.chunks
