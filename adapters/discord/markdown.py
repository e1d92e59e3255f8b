"""Discord markdown, written safely: echoed text escaped, citations and sources as masked links.

Everything a person, a document or a model wrote goes through `escape` (or
`fit`, which escapes and cuts): markdown shows as typed and `@everyone`,
`<@id>` and `<@&id>` get a zero-width space so they can never ping, even if
`allowed_mentions` were ever loosened. Only http(s) URLs become links, in
angle brackets so Discord adds no link previews. `DISCORD_MARKDOWN` is this
markup for the report core (`adapters.report`).
"""

from __future__ import annotations

from datetime import datetime

from discord.utils import escape_markdown, escape_mentions

from adapters.report import Markup
from adapters.text import cut, defuse_fences, is_web_link, printable

MAX_LINK_URL_CHARS = 512  # a longer URL is shown unlinked rather than eat the text budget
FENCE = "```"
_URL_QUOTES = {"<": "%3C", ">": "%3E", "(": "%28", ")": "%29", "[": "%5B", "]": "%5D"}


def one_line(text: str) -> str:
    """`text` on one line, without control characters."""
    return " ".join(printable(text).split())


def escape(text: str) -> str:
    """`text` on one line, shown as typed: no markdown, no mentions."""
    return escape_markdown(escape_mentions(one_line(text)))


def fit(text: str, limit: int) -> str:
    """`text` escaped and cut with "…" to at most `limit` characters."""
    return cut(escape(text), limit)


def link_target(url: str) -> str | None:
    """The URL as it may sit inside `(<...>)`, or None when it must not become a link."""
    if len(url) > MAX_LINK_URL_CHARS or not is_web_link(url):
        return None
    return "".join(_URL_QUOTES.get(ch, ch) for ch in url)


def masked_link(label: str, url: str) -> str:
    """`[label](<url>)` for a web URL, else just `label`; `label` must already be escaped."""
    target = link_target(url)
    return f"[{label}](<{target}>)" if target else label


def link_label(text: str, limit: int) -> str:
    """Text for inside `[...]`: escaped, brackets turned round so the link cannot be broken."""
    return fit(text.replace("[", "(").replace("]", ")"), limit)


def timestamp(moment: datetime, style: str = "f") -> str:
    """A Discord timestamp: every reader sees it in their own time zone and language."""
    return f"<t:{int(moment.timestamp())}:{style}>"


def code_span(text: str, limit: int) -> str:
    """`text` as inline code: one line, no backtick to end it early, no mention."""
    return "`" + cut(escape_mentions(one_line(text).replace("`", "ˋ")), limit) + "`"


def code_block(code: str) -> str:
    """`code` whole between ``` fences, shown as typed: no ``` inside ends the block early, and
    no mention in it could ever ping."""
    return f"{FENCE}\n{defuse_fences(escape_mentions(printable(code)))}\n{FENCE}"


def _linked_text(text: str, url: str, limit: int) -> str | None:
    target = link_target(url)
    return f"[{link_label(text, limit)}](<{target}>)" if target else None


def _cite(n: int, url: str | None) -> str:
    return masked_link(f"[{n}]", url) if url is not None else f"[{n}]"


DISCORD_MARKDOWN = Markup(
    fit=fit, link=_linked_text, cite=_cite, code_block=code_block, code_span=code_span
)
