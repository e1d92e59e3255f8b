"""Discord markdown, written safely: echoed text escaped, citations and sources as masked links.

Everything a person, a document or a model wrote goes through `escape` (or
`fit`, which escapes and cuts): markdown shows as typed and `@everyone`,
`<@id>` and `<@&id>` get a zero-width space so they can never ping, even if
`allowed_mentions` were ever loosened. Only http(s) URLs become links, in
angle brackets so Discord adds no link previews.
"""

from __future__ import annotations

from datetime import datetime

from discord.utils import escape_markdown, escape_mentions

from adapters.text import ELLIPSIS, cut, is_web_link, printable
from answers import Answer, Claim

MAX_LINK_URL_CHARS = 512  # a longer URL is shown unlinked rather than eat the text budget
MIN_CUT_CLAIM_CHARS = 40  # a claim cut shorter than this is dropped for "…" instead
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


def cites(answer: Answer, claim: Claim) -> str:
    """`[[1]](<url>)[[2]](<url>)`: each citation a link to its source."""
    return "".join(masked_link(f"[{n}]", answer.source(n).url) for n in claim.cites)


def claims_text(answer: Answer, claims: tuple[Claim, ...], limit: int, *, sep: str = " ") -> str:
    """Claims with their citations, joined by `sep`, in at most `limit` characters.

    A claim that does not fit is cut (its citations kept) or, when too little
    room is left, replaced by "…"."""
    parts: list[str] = []
    used = 0
    for claim in claims:
        room = limit - used - (len(sep) if parts else 0)
        links = cites(answer, claim)
        suffix = f" {links}" if links else ""
        text = escape(claim.text)
        if len(text) + len(suffix) > room:
            if room - len(suffix) >= MIN_CUT_CLAIM_CHARS:
                parts.append(cut(text, room - len(suffix)) + suffix)
            elif room >= len(ELLIPSIS):
                parts.append(ELLIPSIS)
            break
        parts.append(text + suffix)
        used += len(parts[-1]) + (len(sep) if len(parts) > 1 else 0)
    return sep.join(parts)


def timestamp(moment: datetime, style: str = "f") -> str:
    """A Discord timestamp: every reader sees it in their own time zone and language."""
    return f"<t:{int(moment.timestamp())}:{style}>"
