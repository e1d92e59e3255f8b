"""A fetched page read through the one ingestion path (`answers.ingest`), and the pages not
worth reading.

    page = read_page(data, url=..., final_url=..., content_type="text/html", charset="utf-8")

A page is skipped (`UnreadablePage`) when it is a bot-challenge page ("Just a
moment…") or has under `MIN_MAIN_TEXT_CHARS` of main text: quoting either
would only mislead. Paragraphs written to steer a language model ("ignore
previous instructions…") are dropped before anything is quoted. `read_page`
is a top-level function of plain values: it runs in a worker process.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from answers.backends.research.pages import Page
from answers.backends.research.search import site_of
from answers.ingest.documents import read_document
from answers.ingest.model import Block

__all__ = [
    "MIN_MAIN_TEXT_CHARS",
    "UnreadablePage",
    "is_challenge",
    "is_instruction",
    "read_page",
]

MIN_MAIN_TEXT_CHARS = 150
_CHALLENGE_SCAN_BYTES = 20_000
# Markup only challenge pages carry; searched in the raw page.
_CHALLENGE_MARKUP = (
    "<title>just a moment",
    "attention required! | cloudflare",
    "cf-browser-verification",
    "cf_chl_opt",
    "/cdn-cgi/challenge-platform/",
    "captcha-delivery.com",
    "px-captcha",
    "_incapsula_resource",
)
# Words a challenge page shows; searched only in short main text (an article may quote them).
_CHALLENGE_WORDS = (
    "just a moment",
    "checking your browser",
    "enable javascript and cookies to continue",
    "verify you are human",
    "are you a robot",
    "ddos protection by",
)
_SHORT_TEXT_CHARS = 1000
# Paragraphs that address a language model rather than a reader (indirect prompt injection).
# They are dropped before anything is quoted; what slips through is still only data to the
# writer, and the verifier checks what comes back.
_INSTRUCTIONS = re.compile(
    r"\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+|the\s+|your\s+)*"
    r"(?:previous|prior|above|earlier|preceding|system|original)\s+"
    r"(?:instructions?|prompts?|directions?|rules|messages?)"
    r"|\bnew\s+instructions?\s*:"
    r"|\byou\s+are\s+now\s+(?:an?\s+)?(?:ai|assistant|language\s+model|chatbot)\b",
    re.IGNORECASE,
)
_INVISIBLE = re.compile("[\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")


class UnreadablePage(Exception):
    """The page has nothing worth quoting; the message says why."""


def is_challenge(html: str | bytes, headers: Mapping[str, str] | None = None) -> bool:
    """A bot-challenge or captcha page instead of the content (judged by its markup)."""
    if headers is not None and headers.get("cf-mitigated", "").lower() == "challenge":
        return True
    head = html[:_CHALLENGE_SCAN_BYTES]
    text = head.decode("utf-8", errors="replace") if isinstance(head, bytes) else head
    lowered = text.lower()
    return any(marker in lowered for marker in _CHALLENGE_MARKUP)


def is_instruction(text: str) -> bool:
    """A paragraph written to steer a language model ("ignore previous instructions ...")."""
    return _INSTRUCTIONS.search(text) is not None


def _reads_like_challenge(blocks: tuple[Block, ...]) -> bool:
    text = " ".join(b.text for b in blocks if b.kind == "prose").lower()
    return len(text) < _SHORT_TEXT_CHARS and any(w in text for w in _CHALLENGE_WORDS)


def _visible(block: Block) -> Block:
    """Zero-width and direction marks removed: they hide text from a reader, not a parser."""
    if block.kind == "code":
        return block
    return Block(block.kind, _INVISIBLE.sub("", block.text), block.level)


def read_page(
    data: bytes | str,
    *,
    url: str,
    final_url: str,
    content_type: str,
    charset: str | None = None,
    fallback_title: str = "",
    fallback_published: date | None = None,
) -> Page:
    """The page's main text as blocks, its title, site and date; raises `UnreadablePage`."""
    if is_challenge(data):
        raise UnreadablePage("a bot-challenge page")
    document = read_document(data, name=final_url, content_type=content_type, charset=charset)
    blocks = tuple(
        _visible(b)
        for b in document.blocks
        if not (b.kind in ("prose", "table") and is_instruction(b.text))
    )
    if _reads_like_challenge(blocks):
        raise UnreadablePage("a bot-challenge page")
    page = Page(
        url=url,
        final_url=final_url,
        title=document.title or fallback_title,
        publisher=document.publisher or site_of(final_url),
        published=document.published or fallback_published,
        blocks=blocks,
    )
    if page.text_length < MIN_MAIN_TEXT_CHARS:
        raise UnreadablePage(f"only {page.text_length} characters of main text")
    return page
