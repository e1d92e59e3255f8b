"""A page as read: its main text in blocks under their headings, and the cache of read pages.

`PageCache` is the one owner of the `page:` key family:

    page:<sha256 of the canonical URL>  -> zlib-compressed JSON of a `Page`   TTL = FACTBOT_PAGE_TTL

Only pages that were read successfully are cached; a failed fetch is tried
again next time.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import zlib
from dataclasses import dataclass
from datetime import date

from answers.backends.research.search import canonical_url
from answers.store import Store, StoreUnavailable

__all__ = ["DEFAULT_PAGE_TTL", "Page", "PageCache", "TextBlock", "page_key"]

log = logging.getLogger(__name__)

DEFAULT_PAGE_TTL = 6 * 3600.0
_FORMAT = 1  # bump when the stored shape changes; older entries are ignored


@dataclass(frozen=True)
class TextBlock:
    """A paragraph (or list, or quote) of main text and the heading it sits under."""

    text: str
    heading: str = ""


@dataclass(frozen=True)
class Page:
    url: str  # the URL searched for (the cache key)
    final_url: str  # where the redirects ended
    title: str
    publisher: str
    published: date | None
    blocks: tuple[TextBlock, ...]

    @property
    def text_length(self) -> int:
        return sum(len(b.text) for b in self.blocks)

    def to_bytes(self) -> bytes:
        body = {
            "format": _FORMAT,
            "url": self.url,
            "final_url": self.final_url,
            "title": self.title,
            "publisher": self.publisher,
            "published": self.published.isoformat() if self.published else None,
            "blocks": [[b.heading, b.text] for b in self.blocks],
        }
        return zlib.compress(json.dumps(body, ensure_ascii=False).encode(), 6)

    @classmethod
    def from_bytes(cls, data: bytes) -> Page | None:
        """The stored page, or None when the entry is from another format or unreadable."""
        try:
            body = json.loads(zlib.decompress(data))
            if body.get("format") != _FORMAT:
                return None
            published = body["published"]
            return cls(
                url=str(body["url"]),
                final_url=str(body["final_url"]),
                title=str(body["title"]),
                publisher=str(body["publisher"]),
                published=date.fromisoformat(published) if published else None,
                blocks=tuple(TextBlock(text=str(t), heading=str(h)) for h, t in body["blocks"]),
            )
        except (zlib.error, ValueError, KeyError, TypeError, AttributeError, RecursionError):
            return None  # AttributeError: JSON that is not an object


def page_key(url: str) -> str:
    digest = hashlib.sha256(canonical_url(url).encode()).hexdigest()[:32]
    return f"page:{digest}"


class PageCache:
    """Read pages by URL; Redis trouble only means reading the page again."""

    def __init__(self, store: Store, *, ttl: float = DEFAULT_PAGE_TTL) -> None:
        self.store = store
        self.ttl = ttl

    async def get(self, url: str) -> Page | None:
        try:
            raw = await self.store.get(page_key(url))
        except StoreUnavailable:
            return None
        return Page.from_bytes(raw) if raw else None

    async def put(self, page: Page) -> None:
        with contextlib.suppress(StoreUnavailable):
            await self.store.set(page_key(page.url), page.to_bytes(), ttl=self.ttl)
