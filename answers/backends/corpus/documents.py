"""A corpus document as factbot reads it: a title, where it lives, and its text as blocks.

`read_document` turns a file's bytes into a `Document` whatever the format
(Markdown, plain text, HTML). `Document.text` is the document's plain text;
every sentence the extractive writer quotes is a slice of it. `passages`
cuts a document into paragraph-sized passages, each with its nearest heading.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import PurePosixPath

from answers.backends.corpus.blocks import Block, collapse
from answers.backends.corpus.front_matter import FrontMatter, split_front_matter
from answers.backends.corpus.read_html import read_html
from answers.backends.corpus.read_markdown import read_markdown
from answers.backends.corpus.read_text import read_text
from answers.writers.sentences import sentence_spans

__all__ = [
    "FORMATS",
    "PARSER_VERSION",
    "Block",
    "Document",
    "DocumentPassage",
    "decode",
    "format_of",
    "looks_binary",
    "passages",
    "read_document",
]

PARSER_VERSION = "2"  # bump when parsing changes, so every index is rebuilt
FORMATS = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
}
PASSAGE_WORDS = 160  # paragraphs are merged up to about this many words
MAX_BLOCK_WORDS = 320  # a longer paragraph is split at sentence ends
MAX_TITLE_CHARS = 200
BINARY_SAMPLE_BYTES = 8192
BINARY_CONTROL_SHARE = 0.05

_WORD_RUN = re.compile(r"\S+")
_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class Document:
    path: str  # relative to the corpus folder, with forward slashes
    title: str
    url: str  # from front matter or the page's canonical link, else "<folder>/<path>"
    publisher: str
    published: date | None
    blocks: tuple[Block, ...]

    @property
    def text(self) -> str:
        """The plain text: blocks separated by a blank line."""
        return "\n\n".join(block.text for block in self.blocks)


@dataclass(frozen=True)
class DocumentPassage:
    """Paragraphs under one heading; `text` is one paragraph per line, `extra` is code and tables
    (searched, never quoted)."""

    ordinal: int
    heading: str
    text: str
    extra: str


def clean_text(text: str) -> str:
    """Unix line ends, no control characters (they would break terminals and JSON readers)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch if ch in "\n\t" or unicodedata.category(ch) != "Cc" else " " for ch in text)


def decode(raw: bytes, *, is_html: bool = False) -> str:
    """Bytes to text: a byte-order mark wins, then an HTML charset, then UTF-8 (bad bytes become
    U+FFFD rather than failing)."""
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16", errors="replace")
    if is_html:
        match = _CHARSET.search(raw[:4096])
        if match:
            try:
                return raw.decode(codecs.lookup(match.group(1).decode()).name, errors="replace")
            except LookupError:
                pass
    return raw.decode("utf-8", errors="replace")


def looks_binary(raw: bytes, *, is_html: bool = False) -> bool:
    """A file that is not text whatever its name (an image or archive saved as .md), judged on
    its first BINARY_SAMPLE_BYTES: control characters (NUL...) are common, or most bytes do not
    decode. A text file with a stray NUL, or in a legacy 8-bit encoding, is still text."""
    sample = decode(raw[:BINARY_SAMPLE_BYTES], is_html=is_html)
    if not sample:
        return False
    undecodable = sample.count("\ufffd")
    controls = sum(1 for ch in sample if ch not in "\t\n\r\f" and unicodedata.category(ch) == "Cc")
    return controls > BINARY_CONTROL_SHARE * len(sample) or undecodable > len(sample) / 2


def title_from_path(path: str) -> str:
    stem = PurePosixPath(path).stem.replace("-", " ").replace("_", " ").strip()
    return (stem[:1].upper() + stem[1:]) if stem else path


def short_title(text: str) -> str:
    text = collapse(text)
    if len(text) > MAX_TITLE_CHARS:
        text = text[: MAX_TITLE_CHARS - 1].rstrip() + "…"
    return text


def format_of(path: str) -> str:
    """The file's format from its name: "markdown", "text" or "html"."""
    return FORMATS.get(PurePosixPath(path).suffix.lower(), "text")


def read_document(path: str, raw: bytes, *, folder_name: str) -> Document:
    """Parse one file of the corpus; `path` is relative to the folder and picks the format."""
    kind = format_of(path)
    text = clean_text(decode(raw, is_html=kind == "html"))
    if kind == "html":
        page = read_html(text)
        front, blocks = (
            FrontMatter(page.title, page.url, page.publisher, page.published),
            page.blocks,
        )
    else:
        front, body = split_front_matter(text)
        blocks = read_markdown(body) if kind == "markdown" else read_text(body)
    first_heading = next((b.text for b in blocks if b.kind == "heading"), "")
    title = short_title(front.title or first_heading) or title_from_path(path)
    url = front.url if front.url.strip() else f"{folder_name}/{path}" if folder_name else path
    return Document(
        path=path,
        title=title,
        url=url.strip(),
        publisher=front.publisher,
        published=front.published,
        blocks=tuple(b for b in blocks if b.text),
    )


def _units(text: str) -> Iterator[tuple[int, int, int]]:
    """(start, end, words) of each sentence; a sentence over MAX_BLOCK_WORDS (text with no full
    stops, such as a data dump) comes as runs of PASSAGE_WORDS words, so no passage is huge."""
    for span in sentence_spans(text):
        words = [m.span() for m in _WORD_RUN.finditer(text, span.start, span.end)]
        if len(words) <= MAX_BLOCK_WORDS:
            yield span.start, span.end, len(words)
            continue
        for i in range(0, len(words), PASSAGE_WORDS):
            run = words[i : i + PASSAGE_WORDS]
            yield run[0][0], run[-1][1], len(run)


def _split_long(text: str) -> list[str]:
    """A paragraph over MAX_BLOCK_WORDS as slices of about PASSAGE_WORDS, cut at sentence ends."""
    if len(text.split()) <= MAX_BLOCK_WORDS:
        return [text]
    pieces: list[str] = []
    start = end = 0
    count = 0
    for unit_start, unit_end, words in _units(text):
        if count and count + words > PASSAGE_WORDS:
            pieces.append(text[start:end])
            start, count = unit_start, 0
        end = unit_end
        count += words
    pieces.append(text[start:end] if end > start else text[start:])
    return [p for p in pieces if p.strip()]


def passages(document: Document) -> list[DocumentPassage]:
    """The document's paragraphs grouped under their nearest heading, about PASSAGE_WORDS each."""
    found: list[DocumentPassage] = []
    heading = ""
    lines: list[str] = []
    extra: list[str] = []
    words = 0

    def flush() -> None:
        nonlocal lines, extra, words
        if lines or extra:
            found.append(DocumentPassage(len(found), heading, "\n".join(lines), "\n".join(extra)))
        lines, extra, words = [], [], 0

    for block in document.blocks:
        if block.kind == "heading":
            flush()
            heading = block.text
        elif block.kind == "prose":
            for piece in _split_long(block.text):
                size = len(piece.split())
                if lines and words + size > PASSAGE_WORDS:
                    flush()
                lines.append(piece)
                words += size
        else:
            extra.append(block.text)
    flush()
    return found
