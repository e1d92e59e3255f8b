"""HTML to blocks with the standard library's tolerant parser.

Headings, paragraphs, list items, quotes and table rows become blocks; page
furniture (scripts, styles, navigation, footers, forms) is skipped. The
`<title>`, the canonical link, the site name or author, and a publication
date are read from the head when present.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser

from answers.backends.corpus.blocks import Block, BlockKind, collapse
from answers.backends.corpus.front_matter import parse_date, web_url

__all__ = ["HtmlPage", "read_html"]

SKIPPED = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "math",
        "nav",
        "footer",
        "aside",
        "form",
        "button",
        "select",
        "textarea",
        "iframe",
        "object",
        "canvas",
    }
)
BLOCKS = frozenset(
    {
        "p",
        "div",
        "li",
        "dd",
        "dt",
        "blockquote",
        "section",
        "article",
        "main",
        "header",
        "figure",
        "figcaption",
        "caption",
        "ul",
        "ol",
        "dl",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "body",
        "html",
        "hr",
        "address",
        "details",
        "summary",
        "center",
        "fieldset",
        "legend",
    }
)
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
VOID = frozenset(
    {
        "br",
        "hr",
        "img",
        "input",
        "meta",
        "link",
        "wbr",
        "source",
        "area",
        "col",
        "embed",
        "param",
        "track",
        "base",
    }
)


@dataclass
class HtmlPage:
    title: str = ""
    url: str = ""
    publisher: str = ""
    published: date | None = None
    blocks: list[Block] = field(default_factory=list)


class _PageReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = HtmlPage()
        self._skipping: list[str] = []  # open skipped elements, innermost last
        self._buffer: list[str] = []
        self._kind: BlockKind = "prose"
        self._level = 0
        self._title: list[str] | None = None
        self._cells: list[str] | None = None
        self._meta: dict[str, str] = {}

    # --- text ---------------------------------------------------------------------

    def _flush(self) -> None:
        raw = "".join(self._buffer)
        self._buffer = []
        if self._cells is not None and self._kind == "prose":
            if raw.strip():
                self._cells.append(collapse(raw))
            return
        text = raw.strip("\n") if self._kind == "code" else collapse(raw)
        if text.strip():
            self.page.blocks.append(Block(self._kind, text, self._level))

    def handle_data(self, data: str) -> None:
        if self._title is not None:
            self._title.append(data)
        elif not self._skipping:
            self._buffer.append(data)

    # --- tags ---------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("meta", "link"):
            self._read_head(tag, {k.lower(): v or "" for k, v in attrs})
            return
        if tag == "title" and not self.page.title:
            self._title = []
            return
        if self._title is not None and (tag in BLOCKS or tag in HEADINGS):
            self._end_title()  # an unclosed <title> must not swallow the whole page
        if self._skipping or tag in SKIPPED:
            if tag not in VOID:
                self._skipping.append(tag)
            return
        if tag == "br":
            self._buffer.append("\n" if self._kind == "code" else " ")
        elif tag in HEADINGS:
            self._flush()
            self._kind, self._level = "heading", HEADINGS[tag]
        elif tag == "pre":
            self._flush()
            self._kind = "code"
        elif tag == "tr":
            self._flush()
            self._cells = []
        elif tag in ("td", "th"):
            self._flush()
        elif tag in BLOCKS:
            self._flush()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("meta", "link"):
            self._read_head(tag, {k.lower(): v or "" for k, v in attrs})
        elif tag == "br" and not self._skipping:
            self._buffer.append("\n" if self._kind == "code" else " ")

    def _end_title(self) -> None:
        self.page.title = collapse("".join(self._title or ()))
        self._title = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self._title is not None:
            self._end_title()
            return
        if self._skipping:
            if tag in self._skipping:
                while self._skipping and self._skipping.pop() != tag:
                    pass
            return
        if tag in HEADINGS or tag == "pre":
            self._flush()
            self._kind, self._level = "prose", 0
        elif tag in ("td", "th"):
            self._flush()
        elif tag == "tr" or (tag == "table" and self._cells is not None):
            self._flush()
            if self._cells:
                self.page.blocks.append(Block("table", " | ".join(self._cells)))
            self._cells = None
        elif tag in BLOCKS:
            self._flush()

    def _read_head(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "link":
            if "canonical" in attrs.get("rel", "").lower().split() and attrs.get("href"):
                self._meta.setdefault("canonical", attrs["href"])
            return
        key = (attrs.get("property") or attrs.get("name") or "").lower()
        if key and attrs.get("content"):
            self._meta.setdefault(key, attrs["content"])

    def close(self) -> None:
        super().close()
        if self._title is not None:
            self._end_title()
        self._flush()
        meta = self._meta
        url = meta.get("canonical") or meta.get("og:url") or ""
        self.page.url = web_url(url)
        self.page.publisher = collapse(meta.get("og:site_name") or meta.get("author") or "")
        if not self.page.title:
            self.page.title = collapse(meta.get("og:title", ""))
        stamp = meta.get("article:published_time") or meta.get("date") or ""
        self.page.published = parse_date(stamp)


def read_html(text: str) -> HtmlPage:
    reader = _PageReader()
    reader.feed(text)
    reader.close()
    return reader.page
