"""HTML to a document: structure from the page's own elements, main content judged by trafilatura.

    document = read_html(raw_bytes, url="https://example.org/a", charset="utf-8")

Two passes over one parsed page:

1. A structural walk (lxml) turns headings, paragraphs, list items,
   definition terms, tables and `<pre>` blocks into `Block`s, code verbatim
   (line breaks and indentation kept). Furniture is never walked: scripts,
   navigation, sidebars, footers, forms, hidden elements, header-link marks
   (`¶`), and sections under headings such as "Table of Contents" or
   "Previous topic"; a short paragraph that is nothing but a link is a menu
   entry and goes too.
2. trafilatura reads the same page and says which text is the main content;
   a block it did not keep is dropped, and so is a heading left with nothing
   under it. A small page, or one trafilatura finds nothing in, keeps every
   block of the walk.

`read_html` is a plain top-level function of its arguments with no shared
state, so it can run in a worker process (lxml and trafilatura are not
thread-safe and can be slow on hostile pages: give it a deadline there).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import lxml.html  # type: ignore[import-untyped]
import trafilatura
from lxml import etree

from answers.ingest.decode import clean_text, decode
from answers.ingest.front_matter import parse_date, web_url
from answers.ingest.html_walk import Walked, clean_heading, walk_body
from answers.ingest.model import Block, IngestedDocument, collapse

__all__ = ["html_fragment_blocks", "read_html"]

SMALL_PAGE_CHARS = 600  # below this, every block of the walk is kept (nothing to judge)
MAX_TITLE_CHARS = 200
TITLE_SEPARATORS = (" — ", " – ", " | ", " - ", " · ", " :: ", " « ", " » ")
_UNSEEN_XPATHS = ["//*[@hidden]", "//template"]
_WORDS = re.compile(r"\w+")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_UNCLOSED_TITLE = re.compile(r"(<title\b[^>]*>)([^<]*)", re.IGNORECASE)
_TITLE_END = re.compile(r"</title\s*>", re.IGNORECASE)


def _words(text: str) -> str:
    return " ".join(_WORDS.findall(text.casefold()))


def _main_text(tree: etree._Element, url: str) -> str | None:
    """The words of what trafilatura takes for the page's main content, or None if nothing."""
    try:
        found = trafilatura.bare_extraction(
            tree,
            url=url or None,
            fast=True,
            with_metadata=False,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            include_formatting=False,
            prune_xpath=_UNSEEN_XPATHS,
        )
    except (ValueError, TypeError, etree.LxmlError):
        return None
    if found is None or isinstance(found, dict):
        return None
    body = getattr(found, "body", None)
    text = " ".join(body.itertext()) if body is not None else (found.text or "")
    words = _words(text)
    return words or None


def _judged(blocks: list[Walked], main: str) -> list[Walked]:
    """The blocks whose words trafilatura kept as main content, with the headings over them."""
    content = [
        b for b in blocks if b.kind not in ("heading", "term", "end") and _words(b.text) in main
    ]
    chosen = {id(b) for b in content} | {id(b) for b in blocks if b.kind == "end"}
    # Walk backwards: a heading stays when content it heads was kept (seen[level] says so).
    seen = [False] * 32
    for block in reversed(blocks):
        if block.kind == "end":
            continue
        if id(block) in chosen:
            seen = [True] * 32
        elif block.kind in ("heading", "term"):
            level = min(max(block.level, 1), 31)
            if seen[level]:
                chosen.add(id(block))
            for deeper in range(level, 32):
                seen[deeper] = False
    return [b for b in blocks if id(b) in chosen]


@dataclass(frozen=True)
class _Head:
    title: str
    url: str
    publisher: str
    published: date | None


def _head(tree: etree._Element) -> _Head:
    meta: dict[str, str] = {}
    canonical = ""
    for element in tree.iter("meta", "link"):
        attrib = {k.lower(): v for k, v in element.attrib.items()}
        if element.tag == "link":
            rel = attrib.get("rel", "").lower().split()
            if "canonical" in rel and attrib.get("href") and not canonical:
                canonical = attrib["href"].strip()
            continue
        key = (attrib.get("property") or attrib.get("name") or attrib.get("itemprop") or "").lower()
        if key and attrib.get("content"):
            meta.setdefault(key, attrib["content"])
    titles = [collapse(t.text_content()) for t in tree.iter("title")]
    title = next((t for t in titles if t), "") or collapse(meta.get("og:title", ""))
    url = canonical or meta.get("og:url", "")
    stamp = (
        meta.get("article:published_time")
        or meta.get("datepublished")
        or meta.get("date")
        or meta.get("dc.date")
        or ""
    )
    return _Head(
        title=title,
        url=web_url(url),
        publisher=collapse(meta.get("og:site_name") or meta.get("author") or ""),
        published=parse_date(stamp),
    )


def _title(head: _Head, blocks: list[Walked]) -> tuple[str, str]:
    """The page's title and publisher: the <title> without a site name trailing it (when the
    page's first heading shows where the name starts), else the first heading."""
    first = next((clean_heading(b.text) for b in blocks if b.kind == "heading"), "")
    title, publisher = head.title, head.publisher
    if title and first:
        for separator in TITLE_SEPARATORS:
            name, found, site = title.rpartition(separator)
            if found and name.strip().casefold() == first.casefold():
                return name.strip(), publisher or site.strip()
    return (title or first)[:MAX_TITLE_CHARS], publisher


def _parse(text: str) -> etree._Element | None:
    text = _XML_DECLARATION.sub("", text, count=1)
    if _UNCLOSED_TITLE.search(text) and not _TITLE_END.search(text):
        # An unclosed <title> would swallow the whole page: end it at the next tag.
        text = _UNCLOSED_TITLE.sub(r"\1\2</title>", text, count=1)
    if not text.strip():
        return None
    try:
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return None


def html_fragment_blocks(text: str) -> list[Block]:
    """The blocks of a piece of HTML inside another document (a raw block in Markdown): the
    structural walk only, since there is no page around it to judge."""
    tree = _parse(clean_text(text))
    return [] if tree is None else list(_tidy(tuple(_block(b) for b in walk_body(tree))))


def read_html(
    content: bytes | str,
    *,
    url: str = "",
    charset: str | None = None,
) -> IngestedDocument:
    """The page as a document (see the module docstring). `url` is where it was read from (used
    for trafilatura's judgement only; the document's `url` is the page's own canonical link).
    The publication date comes from the page's metadata only."""
    text = content if isinstance(content, str) else decode(content, charset, is_html=True)
    tree = _parse(clean_text(text))
    if tree is None:
        return IngestedDocument(title="", url="", publisher="", published=None, blocks=())
    head = _head(tree)
    walked = walk_body(tree)
    if sum(len(b.text) for b in walked) >= SMALL_PAGE_CHARS:
        main = _main_text(tree, url)
        if main is not None:
            walked = _judged(walked, main)
    published = head.published
    title, publisher = _title(head, walked)
    blocks = tuple(_block(b) for b in walked)
    return IngestedDocument(
        title=collapse(title),
        url=head.url,
        publisher=publisher,
        published=published,
        blocks=_tidy(blocks),
    )


def _tidy(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """Blocks with text, and the ends of definition lists that had terms."""
    kept: list[Block] = []
    for block in blocks:
        if block.kind == "end":
            if any(b.kind == "term" for b in kept):
                kept.append(block)
        elif block.text:
            kept.append(block)
    while kept and kept[-1].kind == "end":
        kept.pop()
    return tuple(kept)


def _block(walked: Walked) -> Block:
    if walked.kind in ("heading", "term"):
        return Block(walked.kind, clean_heading(walked.text), walked.level, walked.spans)
    return Block(walked.kind, walked.text, walked.level, walked.spans)
