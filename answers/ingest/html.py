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
from dataclasses import dataclass, field
from datetime import date

import lxml.html  # type: ignore[import-untyped]
import trafilatura
from lxml import etree

from answers.ingest.decode import clean_text, decode
from answers.ingest.front_matter import parse_date, web_url
from answers.ingest.model import Block, BlockKind, IngestedDocument, collapse

__all__ = ["FURNITURE_HEADINGS", "html_fragment_blocks", "read_html"]

SKIPPED_TAGS = frozenset(
    "script style noscript template svg math nav footer aside form button select textarea "
    "iframe object embed canvas head title audio video map dialog".split()
)
SKIPPED_ROLES = frozenset("navigation search banner contentinfo complementary menu menubar".split())
# Class or id words that mark furniture whatever the element (the common names for it).
SKIPPED_CLASSES = frozenset(
    "footer site-footer page-footer sidebar sphinxsidebar navbar breadcrumb breadcrumbs "
    "skip-link cookie-banner cookie-notice".split()
)
BLOCK_TAGS = frozenset(
    "p div li dd blockquote section article main header figure figcaption caption ul ol dl "
    "table thead tbody tfoot body html hr address details summary center fieldset legend".split()
)
INLINE_CODE_TAGS = frozenset({"code", "kbd", "samp", "tt", "var"})
LIST_TAGS = frozenset({"dl", "ul", "ol"})
MAX_BOLD_TITLE_WORDS = 10  # a bold paragraph this short heads the rest of its list item
BOLD_NOT_TITLE = (".", ",", ";", "!", "?")  # ...unless it ends like a sentence
HEADING_TAGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# What a header link shows: "Permalink to this heading" marks from Sphinx, MkDocs, GitHub...
LINK_MARKS = frozenset("¶ # § 🔗 ⚓ ⁋ ∞ link permalink".split())
# Headings of page furniture: the heading and everything under it go.
FURNITURE_HEADINGS = frozenset(
    {
        "table of contents",
        "contents",
        "on this page",
        "in this article",
        "in this section",
        "previous topic",
        "next topic",
        "previous",
        "next",
        "this page",
        "navigation",
        "quick search",
        "search",
        "site navigation",
        "breadcrumbs",
        "related topics",
        "share this",
        "share",
        "follow us",
        "menu",
        "main menu",
        "skip to content",
        "footer",
        "sidebar",
    }
)
MAX_MENU_WORDS = 12  # a paragraph this short that is all link text is a menu entry
MENU_LINK_SHARE = 0.9
SMALL_PAGE_CHARS = 600  # below this, every block of the walk is kept (nothing to judge)
MAX_TITLE_CHARS = 200
TITLE_SEPARATORS = (" — ", " – ", " | ", " - ", " · ", " :: ", " « ", " » ")
_UNSEEN_XPATHS = ["//*[@hidden]", "//template"]
_WORDS = re.compile(r"\w+")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_UNCLOSED_TITLE = re.compile(r"(<title\b[^>]*>)([^<]*)", re.IGNORECASE)
_TITLE_END = re.compile(r"</title\s*>", re.IGNORECASE)
_TRAILING_MARKS = re.compile(r"[\s¶#§🔗⚓⁋]+$")
_DISPLAY_NONE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


@dataclass
class _Walked:
    kind: BlockKind
    text: str
    level: int = 0
    link_share: float = 0.0
    spans: tuple[str, ...] = ()


@dataclass
class _Walk:
    """The state of the structural walk: blocks so far and the inline text being gathered."""

    blocks: list[_Walked] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    linked: int = 0  # characters of the gathered text inside links
    heading_level: int = 0
    spans: list[str] = field(default_factory=list)  # inline code of the gathered text

    def flush(self, kind: BlockKind = "prose", level: int = 0) -> None:
        text = collapse("".join(self.parts))
        total = len(text)
        if text and any(ch.isalnum() for ch in text):
            share = min(1.0, self.linked / total) if total else 0.0
            spans = tuple(dict.fromkeys(s for s in self.spans if s))
            self.blocks.append(_Walked(kind, text, level, share, spans))
        self.parts = []
        self.linked = 0
        self.spans = []


def _tag(element: etree._Element) -> str:
    tag = element.tag
    return tag.lower() if isinstance(tag, str) else ""


def _is_skipped(element: etree._Element) -> bool:
    tag = _tag(element)
    if not tag or tag in SKIPPED_TAGS:
        return True
    attrib = element.attrib
    if "hidden" in attrib or attrib.get("aria-hidden", "").lower() == "true":
        return True
    if attrib.get("role", "").lower() in SKIPPED_ROLES:
        return True
    marks = f"{attrib.get('class', '')} {attrib.get('id', '')}".lower().split()
    if any(mark in SKIPPED_CLASSES for mark in marks):
        return True
    style = attrib.get("style", "")
    if style and _DISPLAY_NONE.search(style):
        return True
    if tag == "a":
        text = collapse(element.text_content()).casefold()
        classes = attrib.get("class", "").split()
        return text in LINK_MARKS or "headerlink" in classes
    return False


def _code_text(element: etree._Element) -> str:
    """A <pre>'s text as written: line breaks and indentation kept, blank edges trimmed."""
    text = clean_text(element.text_content()).expandtabs(8)
    lines = text.split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(line.rstrip() for line in lines)


def _table_row(row: etree._Element) -> str:
    cells = [
        collapse(cell.text_content())
        for cell in row
        if _tag(cell) in ("td", "th") and not _is_skipped(cell)
    ]
    return " | ".join(c for c in cells if c)


def _walk(element: etree._Element, state: _Walk, *, in_link: bool, depth: int) -> None:
    for child in element:
        if not _is_skipped(child):
            _visit(child, state, in_link=in_link, depth=depth)
        if child.tail:
            _add_text(state, child.tail, in_link=in_link)


def _add_text(state: _Walk, text: str, *, in_link: bool) -> None:
    state.parts.append(text)
    if in_link:
        state.linked += len(collapse(text))


def _visit(element: etree._Element, state: _Walk, *, in_link: bool, depth: int) -> None:
    tag = _tag(element)
    if tag in HEADING_TAGS:
        state.flush()
        level = HEADING_TAGS[tag]
        _gather(element, state, in_link=in_link, depth=depth)
        state.flush("heading", level)
        state.heading_level = level
        return
    if tag == "pre":
        state.flush()
        code = _code_text(element)
        if code.strip():
            state.blocks.append(_Walked("code", code))
        return
    if tag == "tr":
        state.flush()
        row = _table_row(element)
        if row:
            state.blocks.append(_Walked("table", row))
        return
    if tag == "dt":
        state.flush()
        _gather(element, state, in_link=in_link, depth=depth)
        state.flush("term", state.heading_level + max(depth, 1))
        return
    if tag == "br":
        state.parts.append(" ")
        return
    if tag == "p" and depth and _is_bold_title(element):
        # "<li><p><b>Maximum Database Size</b></p><p>Every database...": the item's heading.
        state.flush()
        _gather(element, state, in_link=in_link, depth=depth)
        state.flush("term", state.heading_level + depth)
        return
    if tag in INLINE_CODE_TAGS:
        state.spans.append(collapse(element.text_content()))
    is_block = tag in BLOCK_TAGS
    if is_block:
        state.flush()
    if element.text:
        _add_text(state, element.text, in_link=in_link or tag == "a")
    level = state.heading_level
    before = len(state.blocks)
    _walk(element, state, in_link=in_link or tag == "a", depth=depth + (tag in LIST_TAGS))
    if is_block:
        state.flush()
    inner = level + depth + 1
    if tag == "dl" or (
        tag in LIST_TAGS
        and any(b.kind == "term" and b.level == inner for b in state.blocks[before:])
    ):  # what follows the list is no longer under its terms
        state.blocks.append(_Walked("end", "", inner))


def _is_bold_title(element: etree._Element) -> bool:
    """A paragraph that is nothing but a short bold phrase ("<p><b>Maximum Database
    Size</b></p>"): in a list item, the title of what follows it."""
    children = [c for c in element if not _is_skipped(c)]
    if (element.text or "").strip() or len(children) != 1:
        return False
    bold = children[0]
    if _tag(bold) not in ("b", "strong") or (bold.tail or "").strip():
        return False
    text = collapse(bold.text_content())
    return 0 < len(text.split()) <= MAX_BOLD_TITLE_WORDS and not text.endswith(BOLD_NOT_TITLE)


def _gather(element: etree._Element, state: _Walk, *, in_link: bool, depth: int) -> None:
    """A heading's or term's own text (its skipped children, such as header links, left out)."""
    if element.text:
        _add_text(state, element.text, in_link=in_link)
    _walk(element, state, in_link=in_link, depth=depth)


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


def _is_furniture(block: _Walked) -> bool:
    return _clean_heading(block.text).casefold().rstrip(":") in FURNITURE_HEADINGS


def _without_furniture(blocks: list[_Walked]) -> list[_Walked]:
    """Drop furniture sections (a "Table of Contents" heading and what it holds) and menu
    entries (short paragraphs that are all link text)."""
    kept: list[_Walked] = []
    skipping_under: int | None = None
    for block in blocks:
        is_heading = block.kind in ("heading", "term")
        if skipping_under is not None:
            if is_heading and block.level <= skipping_under:
                skipping_under = None
            else:
                continue
        if is_heading and _is_furniture(block):
            skipping_under = block.level
            continue
        if (
            block.kind == "prose"
            and block.link_share >= MENU_LINK_SHARE
            and len(block.text.split()) <= MAX_MENU_WORDS
        ):
            continue
        kept.append(block)
    return kept


def _judged(blocks: list[_Walked], main: str) -> list[_Walked]:
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


def _clean_heading(text: str) -> str:
    return _TRAILING_MARKS.sub("", text).strip()


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


def _title(head: _Head, blocks: list[_Walked]) -> tuple[str, str]:
    """The page's title and publisher: the <title> without a site name trailing it (when the
    page's first heading shows where the name starts), else the first heading."""
    first = next((_clean_heading(b.text) for b in blocks if b.kind == "heading"), "")
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


def _walk_body(tree: etree._Element) -> list[_Walked]:
    body = tree.find("body")
    state = _Walk()
    if body is not None:
        _walk(body, state, in_link=False, depth=0)
        state.flush()
    return _without_furniture(state.blocks)


def html_fragment_blocks(text: str) -> list[Block]:
    """The blocks of a piece of HTML inside another document (a raw block in Markdown): the
    structural walk only, since there is no page around it to judge."""
    tree = _parse(clean_text(text))
    return [] if tree is None else list(_tidy(tuple(_block(b) for b in _walk_body(tree))))


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
    walked = _walk_body(tree)
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


def _block(walked: _Walked) -> Block:
    if walked.kind in ("heading", "term"):
        return Block(walked.kind, _clean_heading(walked.text), walked.level, walked.spans)
    return Block(walked.kind, walked.text, walked.level, walked.spans)
