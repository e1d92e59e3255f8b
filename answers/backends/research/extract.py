"""Main text out of a fetched page (trafilatura), and the pages not worth reading.

A page is skipped when it is a bot-challenge page ("Just a moment…") or has
under `MIN_MAIN_TEXT_CHARS` of main text: quoting either would only mislead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

import trafilatura

from answers.backends.research.pages import Page, TextBlock
from answers.backends.research.search import site_of

__all__ = [
    "MIN_MAIN_TEXT_CHARS",
    "UnreadablePage",
    "extract_html",
    "extract_text",
    "is_challenge",
    "is_instruction",
]

MIN_MAIN_TEXT_CHARS = 150
MAX_HEADING_CHARS = 200
_CHALLENGE_SCAN_CHARS = 20_000
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
_INVISIBLE = re.compile("[\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff\x00-\x08\x0b-\x1f\x7f]")
_SPACE = re.compile(r"\s+")
_UNSEEN_XPATHS = ["//*[@hidden]", "//template"]


class UnreadablePage(Exception):
    """The page has nothing worth quoting; the message says why."""


def is_challenge(html: str, headers: Mapping[str, str] | None = None) -> bool:
    """A bot-challenge or captcha page instead of the content (judged by its markup)."""
    if headers is not None and headers.get("cf-mitigated", "").lower() == "challenge":
        return True
    head = html[:_CHALLENGE_SCAN_CHARS].lower()
    return any(marker in head for marker in _CHALLENGE_MARKUP)


def _reads_like_challenge(blocks: list[TextBlock]) -> bool:
    text = " ".join(b.text for b in blocks).lower()
    return len(text) < _SHORT_TEXT_CHARS and any(w in text for w in _CHALLENGE_WORDS)


def is_instruction(text: str) -> bool:
    """A paragraph written to steer a language model ("ignore previous instructions ...")."""
    return _INSTRUCTIONS.search(text) is not None


def clean_text(text: str) -> str:
    """One line of plain text: no zero-width or control characters, single spaces."""
    return _SPACE.sub(" ", _INVISIBLE.sub("", text)).strip()


def _date(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _blocks(body: Any) -> list[TextBlock]:
    """Walk trafilatura's XML body (an lxml element): <head> sets the heading, <p>/<list>/<quote> are text."""
    blocks: list[TextBlock] = []
    heading = ""
    for element in body:
        text = clean_text(" ".join(element.itertext()))
        if not text:
            continue
        if element.tag == "head":
            heading = text[:MAX_HEADING_CHARS]
        elif element.tag in ("p", "quote", "list", "code") and not is_instruction(text):
            blocks.append(TextBlock(text=text, heading=heading))
    return blocks


def _check_length(blocks: list[TextBlock]) -> None:
    length = sum(len(b.text) for b in blocks)
    if length < MIN_MAIN_TEXT_CHARS:
        raise UnreadablePage(f"only {length} characters of main text")


def extract_html(
    html: str,
    *,
    url: str,
    final_url: str,
    fallback_title: str,
    fallback_published: date | None = None,
) -> Page:
    """The page's main text, title, site and date; raises `UnreadablePage` (CPU-bound: run in a
    thread)."""
    if is_challenge(html):
        raise UnreadablePage("a bot-challenge page")
    document = trafilatura.bare_extraction(
        html,
        url=final_url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        # trafilatura drops display:none and aria-hidden itself, not the `hidden` attribute:
        # text a reader never sees must not become evidence (a way to plant instructions).
        prune_xpath=_UNSEEN_XPATHS,
    )
    if document is None or isinstance(document, dict):
        raise UnreadablePage("no main text found")
    body = getattr(document, "body", None)
    if body is not None and len(body):
        blocks = _blocks(body)
    else:
        blocks = [TextBlock(clean_text(line)) for line in (document.text or "").splitlines()]
        blocks = [b for b in blocks if b.text and not is_instruction(b.text)]
    if _reads_like_challenge(blocks):
        raise UnreadablePage("a bot-challenge page")
    _check_length(blocks)
    return Page(
        url=url,
        final_url=final_url,
        title=clean_text(document.title or "") or fallback_title,
        publisher=clean_text(document.sitename or "") or site_of(final_url),
        published=_date(document.date) or fallback_published,
        blocks=tuple(blocks),
    )


def extract_text(
    text: str,
    *,
    url: str,
    final_url: str,
    fallback_title: str,
    fallback_published: date | None = None,
) -> Page:
    """A text/plain page: paragraphs are separated by blank lines."""
    blocks = [TextBlock(clean_text(p)) for p in re.split(r"\n\s*\n", text)]
    blocks = [b for b in blocks if b.text and not is_instruction(b.text)]
    _check_length(blocks)
    return Page(
        url=url,
        final_url=final_url,
        title=fallback_title,
        publisher=site_of(final_url),
        published=fallback_published,
        blocks=tuple(blocks),
    )
