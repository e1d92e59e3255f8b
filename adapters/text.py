"""Cutting and splitting text to fit a platform's limits, never mid-word when it can help it."""

from __future__ import annotations

import functools
import re
import unicodedata
from urllib.parse import urlsplit

ELLIPSIS = "…"
WEB_SCHEMES = ("http", "https")
# C0 controls but tab and newline, DEL, and C1 controls (ESC starts a terminal's escape codes).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
ZWJ = "\u200d"
ZWSP = "\u200b"
_FENCE_RUN = re.compile(r"``(?=`)")
_REGIONAL_INDICATORS = ("\U0001f1e6", "\U0001f1ff")  # two make a flag


def printable(text: str) -> str:
    """`text` without control characters (a carriage return or form feed becomes a space)."""
    return _CONTROL.sub(lambda m: " " if m[0] in "\r\x0b\x0c" else "", text)


def cut(text: str, limit: int) -> str:
    """`text` if it fits, else its start (at a word boundary when one is near) and "…"."""
    if len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS):
        return ELLIPSIS[:limit]
    head = text[: _whole_characters_end(text, limit - len(ELLIPSIS))]
    space = head.rfind(" ")
    if space >= len(head) * 0.6:
        head = head[:space]
    return head.rstrip() + ELLIPSIS


def _joins_previous(ch: str) -> bool:
    """Whether `ch` belongs to the character before it: an accent, a joiner, an emoji's
    variation selector or skin tone."""
    return (
        unicodedata.combining(ch) > 0
        or unicodedata.category(ch) in ("Mn", "Me")
        or ch in (ZWJ, "\ufe0e", "\ufe0f")
        or "\U0001f3fb" <= ch <= "\U0001f3ff"
    )


def _is_regional_indicator(ch: str) -> bool:
    return _REGIONAL_INDICATORS[0] <= ch <= _REGIONAL_INDICATORS[1]


def _whole_characters_end(text: str, end: int) -> int:
    """`end` moved back so that `text[:end]` does not stop inside what a reader sees as one
    character (an accented letter, a ZWJ emoji family, a flag)."""
    while 0 < end < len(text) and (_joins_previous(text[end]) or text[end - 1] == ZWJ):
        end -= 1
    pairs = 0
    while pairs < end and _is_regional_indicator(text[end - 1 - pairs]):
        pairs += 1
    if pairs % 2 and end < len(text) and _is_regional_indicator(text[end]):
        end -= 1
    return end


def defuse_fences(code: str) -> str:
    """`code` with no run of three backticks left (a zero-width space after every second), so it
    cannot close the code block it is shown in."""
    return _FENCE_RUN.sub("``" + ZWSP, code)


def cut_code(code: str, limit: int) -> str:
    """`code` if it fits, else its first lines (whole, when a line ends near the cut) and a last
    line "…", in at most `limit` characters."""
    if len(code) <= limit:
        return code
    end = _whole_characters_end(code, max(0, limit - len(ELLIPSIS) - 1))
    head = code[:end]
    newline = head.rfind("\n")
    if newline >= len(head) // 2:
        head = head[:newline]
    return head.rstrip() + "\n" + ELLIPSIS if head.strip() else ELLIPSIS


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


_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f]")


@functools.lru_cache(maxsize=4096)  # a report links its few sources many times
def is_web_link(url: str) -> bool:
    """Whether `url` may become a clickable link: http(s), a host, and no whitespace or control
    characters (a `javascript:` or `file:` URL from a document stays plain text)."""
    if not url or _SPACE_OR_CONTROL.search(url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.hostname)
