"""Any document's bytes to an `IngestedDocument`: the one entry point both backends call.

    document = read_document(data, name="guide/setup.md")                        # a file
    document = read_document(data, name=url, content_type="text/html", charset="utf-8")  # a page

The format comes from the content type when there is one (text/plain that is
really HTML is read as HTML), else from the name's suffix. A plain top-level
function of its arguments: it can run in a worker process.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Literal

from answers.ingest.decode import clean_text, decode, looks_like_html
from answers.ingest.front_matter import split_front_matter
from answers.ingest.html import read_html
from answers.ingest.markdown import read_markdown
from answers.ingest.model import IngestedDocument, collapse
from answers.ingest.text import read_text

__all__ = ["FORMATS", "Format", "format_of", "read_document"]

Format = Literal["html", "markdown", "text"]
FORMATS: dict[str, Format] = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
}
CONTENT_TYPES: dict[str, Format] = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
    "text/plain": "text",
}
MAX_TITLE_CHARS = 200


def format_of(name: str, content_type: str | None = None) -> Format:
    """The format a document is read as: by content type, else by the name's suffix."""
    if content_type:
        kind = CONTENT_TYPES.get(content_type.split(";")[0].strip().lower())
        if kind is not None:
            return kind
    suffix = PurePosixPath(name.split("?")[0].split("#")[0]).suffix.lower()
    return FORMATS.get(suffix, "html" if content_type else "text")


def _short(text: str) -> str:
    text = collapse(text)
    if len(text) > MAX_TITLE_CHARS:
        text = text[: MAX_TITLE_CHARS - 1].rstrip() + "…"
    return text


def read_document(
    data: bytes | str,
    *,
    name: str,
    content_type: str | None = None,
    charset: str | None = None,
) -> IngestedDocument:
    """The document in `data`; `name` is its path or URL."""
    kind = format_of(name, content_type)
    text = data if isinstance(data, str) else decode(data, charset, is_html=kind == "html")
    text = clean_text(text)
    if kind == "text" and content_type and looks_like_html(text):
        kind = "html"
    if kind == "html":
        page = read_html(text, url=name)
        return IngestedDocument(
            title=_short(page.title),
            url=page.url,
            publisher=page.publisher,
            published=page.published,
            blocks=page.blocks,
        )
    front, body = split_front_matter(text)
    blocks = read_markdown(body) if kind == "markdown" else read_text(body)
    first_heading = next((b.text for b in blocks if b.kind == "heading"), "")
    return IngestedDocument(
        title=_short(front.title or first_heading),
        url=front.url.strip(),
        publisher=front.publisher,
        published=front.published,
        blocks=tuple(b for b in blocks if b.text),
    )
