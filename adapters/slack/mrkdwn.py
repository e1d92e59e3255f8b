"""Slack's mrkdwn, written safely: escaping, links, dates and fitting text into a limit.

`&`, `<` and `>` are Slack's control characters: `<!channel>`, `<@U123>` and
`<url|label>` are all built from them. Every string a person, a document or
a model wrote goes through `escape` (or `fit`, which escapes), so it shows
as text and never pings anyone. `MRKDWN` is this markup for the report core
(`adapters.report`).
"""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.report import Markup
from adapters.text import cut, defuse_fences, is_web_link, printable

MAX_LINK_URL_CHARS = 2000  # longer URLs are shown as plain text rather than linked
FENCE = "```"


def escape(text: str) -> str:
    """`text` with Slack's three control characters replaced by their entities (and no
    terminal-style control characters, which no Slack text needs)."""
    return printable(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def fit(text: str, limit: int) -> str:
    """`text` escaped, cut with "…" so that the escaped result has at most `limit` characters."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    low, high = 0, limit  # the longest plain cut whose escaped form fits
    while low < high:
        middle = (low + high + 1) // 2
        if len(escape(cut(text, middle))) <= limit:
            low = middle
        else:
            high = middle - 1
    return escape(cut(text, max(low, 1)))[:limit]


def safe_url(url: str) -> str | None:
    """The URL escaped for a `<url|label>` link, or None when it must not become a link."""
    if len(url) > MAX_LINK_URL_CHARS or any(ch in url for ch in "|<>") or not is_web_link(url):
        return None
    return escape(url)


def link(url: str, label: str) -> str:
    """`<url|label>` when the URL is a plain http(s) URL, else just `label`.

    `label` must already be escaped (it is mrkdwn)."""
    safe = safe_url(url)
    return f"<{safe}|{label}>" if safe else label


def date(moment: datetime) -> str:
    """A date each reader sees in their own time zone, with a UTC fallback."""
    fallback = moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} at {{time}}|{fallback}>"


def code_span(text: str, limit: int) -> str:
    """`text` as inline code: one line, escaped, no backtick to end it early."""
    return "`" + fit(" ".join(text.split()).replace("`", "ˋ"), limit) + "`"


def code_block(code: str) -> str:
    """`code` whole between ``` fences; escaped, and no ``` inside to end the block early.

    A fenced block inside the claim's mrkdwn, not a `rich_text_preformatted` block: it shares
    its claim's text budget and section block, where a block of its own per code would eat into
    Slack's 50 blocks a message."""
    return f"{FENCE}\n{defuse_fences(escape(code))}\n{FENCE}"


def _linked_text(text: str, url: str, limit: int) -> str | None:
    safe = safe_url(url)
    return f"<{safe}|{fit(text, limit)}>" if safe else None


def _cite(n: int, url: str | None) -> str:
    return link(url, f"[{n}]") if url is not None else f"[{n}]"


MRKDWN = Markup(fit=fit, link=_linked_text, cite=_cite, code_block=code_block, code_span=code_span)
