"""Cutting and splitting text to fit a platform's limits, never mid-word when it can help it."""

from __future__ import annotations

from urllib.parse import urlsplit

ELLIPSIS = "…"
WEB_SCHEMES = ("http", "https")


def cut(text: str, limit: int) -> str:
    """`text` if it fits, else its start (at a word boundary when one is near) and "…"."""
    if len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS):
        return ELLIPSIS[:limit]
    head = text[: limit - len(ELLIPSIS)]
    space = head.rfind(" ")
    if space >= len(head) * 0.6:
        head = head[:space]
    return head.rstrip() + ELLIPSIS


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters, split at paragraph, line or word boundaries."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        at = max(window.rfind("\n\n"), window.rfind("\n"), window.rfind(" "))
        if at < limit // 2:
            at = limit
        pieces.append(rest[:at].rstrip())
        rest = rest[at:].lstrip()
    if rest or not pieces:
        pieces.append(rest)
    return pieces


def is_web_link(url: str) -> bool:
    """Whether `url` may become a clickable link: http(s), a host, and no whitespace or control
    characters (a `javascript:` or `file:` URL from a document stays plain text)."""
    if not url or any(ch.isspace() or ord(ch) < 32 for ch in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.hostname)
