"""The structural walk of an HTML page: its own elements turned into blocks, furniture left out.

Headings, paragraphs, list items, definition terms, tables and `<pre>` blocks
become `Walked` blocks, code verbatim (line breaks and indentation kept).
Furniture is never walked: scripts, navigation, sidebars, footers, forms,
hidden elements, header-link marks (`¶`), and sections under headings such
as "Table of Contents" or "Previous topic"; a short paragraph that is
nothing but a link is a menu entry and goes too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree  # type: ignore[import-untyped]

from answers.ingest.decode import clean_text
from answers.ingest.model import BlockKind, collapse

__all__ = ["FURNITURE_HEADINGS", "Walked", "clean_heading", "walk_body"]

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
MAX_BOLD_QUESTION_WORDS = 40  # a bold paragraph asking a question this long heads its answer (FAQ)
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
_TRAILING_MARKS = re.compile(r"[\s¶#§🔗⚓⁋]+$")
_DISPLAY_NONE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


@dataclass
class Walked:
    kind: BlockKind
    text: str
    level: int = 0
    link_share: float = 0.0
    spans: tuple[str, ...] = ()


@dataclass
class _Walk:
    """The state of the structural walk: blocks so far and the inline text being gathered."""

    blocks: list[Walked] = field(default_factory=list)
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
            self.blocks.append(Walked(kind, text, level, share, spans))
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
            state.blocks.append(Walked("code", code))
        return
    if tag == "tr":
        state.flush()
        row = _table_row(element)
        if row:
            state.blocks.append(Walked("table", row))
        return
    if tag == "dt":
        state.flush()
        _gather(element, state, in_link=in_link, depth=depth)
        state.flush("term", state.heading_level + max(depth, 1))
        return
    if tag == "br":
        state.parts.append(" ")
        return
    if tag == "p" and ((depth and _is_bold_title(element)) or _is_bold_question(element)):
        # "<li><p><b>Maximum Database Size</b></p><p>Every database...": the item's heading;
        # "<p><b>(5) Can two processes write at once?</b></p><blockquote>...": a FAQ's entry.
        state.flush()
        _gather(element, state, in_link=in_link, depth=depth)
        state.flush("term", state.heading_level + max(depth, 1))
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
        state.blocks.append(Walked("end", "", inner))


def _is_bold_title(element: etree._Element) -> bool:
    """A paragraph that is nothing but a short bold phrase ("<p><b>Maximum Database
    Size</b></p>"): in a list item, the title of what follows it."""
    text = _bold_text(element)
    return 0 < len(text.split()) <= MAX_BOLD_TITLE_WORDS and not text.endswith(BOLD_NOT_TITLE)


def _is_bold_question(element: etree._Element) -> bool:
    """A paragraph that is nothing but a bold question ("<p><b>Can I ...?</b></p>"): on a page
    of questions and answers, the heading of the answer that follows it."""
    text = _bold_text(element)
    return text.endswith("?") and 2 < len(text.split()) <= MAX_BOLD_QUESTION_WORDS


def _bold_text(element: etree._Element) -> str:
    """The text of a paragraph that holds one bold element and nothing else, else ""."""
    children = [c for c in element if not _is_skipped(c)]
    if (element.text or "").strip() or len(children) != 1:
        return ""
    bold = children[0]
    if _tag(bold) not in ("b", "strong") or (bold.tail or "").strip():
        return ""
    return collapse(bold.text_content())


def _gather(element: etree._Element, state: _Walk, *, in_link: bool, depth: int) -> None:
    """A heading's or term's own text (its skipped children, such as header links, left out)."""
    if element.text:
        _add_text(state, element.text, in_link=in_link)
    _walk(element, state, in_link=in_link, depth=depth)


def _is_furniture(block: Walked) -> bool:
    return clean_heading(block.text).casefold().rstrip(":") in FURNITURE_HEADINGS


def _without_furniture(blocks: list[Walked]) -> list[Walked]:
    """Drop furniture sections (a "Table of Contents" heading and what it holds) and menu
    entries (short paragraphs that are all link text)."""
    kept: list[Walked] = []
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


def clean_heading(text: str) -> str:
    return _TRAILING_MARKS.sub("", text).strip()


def walk_body(tree: etree._Element) -> list[Walked]:
    body = tree.find("body")
    state = _Walk()
    if body is not None:
        _walk(body, state, in_link=False, depth=0)
        state.flush()
    return _without_furniture(state.blocks)
