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
from typing import cast

from answers.backends.research.search import canonical_url
from answers.ingest.model import BLOCK_KINDS, Block, BlockKind, IngestedDocument
from answers.store import Store, StoreUnavailable

__all__ = ["DEFAULT_PAGE_TTL", "Page", "PageCache", "page_key"]

log = logging.getLogger(__name__)

DEFAULT_PAGE_TTL = 6 * 3600.0
_FORMAT = 2  # bump when the stored shape changes; older entries are ignored


@dataclass(frozen=True)
class Page:
    """A page as read by the one ingestion path (`answers.ingest`): its blocks (headings,
    paragraphs, code, table rows) in order."""

    url: str  # the URL searched for (the cache key)
    final_url: str  # where the redirects ended
    title: str
    publisher: str
    published: date | None
    blocks: tuple[Block, ...]

    @property
    def text_length(self) -> int:
        return sum(len(b.text) for b in self.blocks if b.kind in ("prose", "table"))

    def as_document(self) -> IngestedDocument:
        return IngestedDocument(
            title=self.title,
            url=self.final_url,
            publisher=self.publisher,
            published=self.published,
            blocks=self.blocks,
        )

    def to_bytes(self) -> bytes:
        body = {
            "format": _FORMAT,
            "url": self.url,
            "final_url": self.final_url,
            "title": self.title,
            "publisher": self.publisher,
            "published": self.published.isoformat() if self.published else None,
            "blocks": [[b.kind, b.text, b.level] for b in self.blocks],
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
                blocks=tuple(_block(kind, text, level) for kind, text, level in body["blocks"]),
            )
        except (zlib.error, ValueError, KeyError, TypeError, AttributeError, RecursionError):
            return None  # AttributeError: JSON that is not an object


def _block(kind: object, text: object, level: object) -> Block:
    if kind not in BLOCK_KINDS:
        raise ValueError(f"unknown block kind {kind!r}")
    return Block(cast(BlockKind, kind), str(text), int(str(level)))


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
