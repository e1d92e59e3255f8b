"""Optional front matter at the top of a Markdown or text file: title, url, publisher, published.

    ---
    title: How factbot caches answers
    url: https://example.org/docs/caching
    publisher: Example Corp
    published: 2026-01-31
    ---

Only flat `key: value` lines are read; anything else means "not front matter"
and the file is read as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from answers.ingest.model import collapse

__all__ = ["FrontMatter", "parse_date", "split_front_matter", "web_url"]

MAX_FRONT_MATTER_LINES = 60

_LINE = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*)\s*:\s*(.*?)\s*$")
_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")


@dataclass(frozen=True)
class FrontMatter:
    title: str = ""
    url: str = ""
    publisher: str = ""
    published: date | None = None


def parse_date(value: str) -> date | None:
    """The date at the start of an ISO 8601 stamp (`2026-01-31`, `2026-01-31T09:00:00Z`)."""
    match = _DATE.match(value)
    if match is None:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def web_url(value: str) -> str:
    """`value` when it is an absolute http(s) URL, else "" (a `javascript:` or `file:` link must
    never become a report's source)."""
    value = value.strip()
    if any(ch.isspace() or ord(ch) < 32 for ch in value):
        return ""
    try:
        parts = urlsplit(value)
    except ValueError:
        return ""
    return value if parts.scheme.lower() in ("http", "https") and parts.hostname else ""


def split_front_matter(text: str) -> tuple[FrontMatter, str]:
    """The front matter (empty if there is none) and the text after it."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return FrontMatter(), text
    end = next(
        (
            i
            for i, line in enumerate(lines[1:MAX_FRONT_MATTER_LINES], start=1)
            if line.strip() in ("---", "...")
        ),
        None,
    )
    if end is None:
        return FrontMatter(), text
    fields: dict[str, str] = {}
    for line in lines[1:end]:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _LINE.match(line)
        if match is None:
            if line.startswith((" ", "\t", "-")):  # a nested YAML value we do not read
                continue
            return FrontMatter(), text
        fields[match.group(1).lower()] = match.group(2).strip().strip("\"'")
    front = FrontMatter(
        title=collapse(fields.get("title", "")),
        url=web_url(fields.get("url") or fields.get("source") or ""),
        publisher=collapse(fields.get("publisher") or fields.get("author") or ""),
        published=parse_date(fields.get("published") or fields.get("date") or ""),
    )
    return front, "\n".join(lines[end + 1 :])
