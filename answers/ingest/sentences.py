"""Splitting text into sentences by offsets, so a quoted sentence is exactly a slice of its text.

A line break always ends a sentence (paragraphs, list items and headings stay
apart). Inside a line a sentence ends at `.`, `!`, `?` or `…` followed by
white space, unless the word before the full stop is a known abbreviation or
an initial, or an ellipsis ("if... elif...") goes on in lower case (a lower-case start does not stop a split: "factbot" and "iOS"
begin sentences too); CJK full stops end a sentence without needing a space. No model, no downloads, deterministic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["SentenceSpan", "sentence_spans"]

ABBREVIATIONS = frozenset(
    "e.g i.e etc vs cf al approx dept est fig inc ltd co corp jr sr mr mrs ms dr prof st "
    "vol pp ed eds jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k a.m p.m".split()
)

LOOK_AROUND_CHARS = 40  # how far a full stop looks back (the word) and ahead (the next letter)

_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s)|[。！？]+[\"'”’」』)\]]*")
_LAST_WORD = re.compile(r"(\S+)$")


@dataclass(frozen=True)
class SentenceSpan:
    """`text[start:end]` is the sentence; `line` counts line breaks before it."""

    start: int
    end: int
    line: int


def _is_boundary(text: str, match: re.Match[str], line_start: int) -> bool:
    mark = match.group()
    if mark[0] in "。！？":
        return True
    if match.end() >= len(text) or text[match.end()] == "\n":
        return True
    starts_lower = text[match.end() : match.end() + LOOK_AROUND_CHARS].lstrip()[:1].islower()
    if starts_lower and (mark[-1] in "\"'”’»)]" or mark[0] in "?!…" or mark.startswith("..")):
        # A quoted question or an aside inside the sentence: '"Why?" and then', "if... elif".
        return False
    if mark.startswith(".") and len(mark.rstrip("\"'”’»)]")) == 1:
        # A short window: an abbreviation is short, and searching back to the line's start
        # for every full stop made one long paragraph cost quadratic time.
        window = max(line_start, match.start() - LOOK_AROUND_CHARS)
        before = _LAST_WORD.search(text, window, match.start())
        word = before.group(1).lstrip("(\"'“‘").lower() if before else ""
        if word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
            return False  # "e.g. such", "J. Smith"
        if "." in word and starts_lower:
            return False  # an abbreviation not in the list ("a.k.a. the")
    return True


def sentence_spans(text: str) -> list[SentenceSpan]:
    """The sentences of `text` as offsets, in order, stripped of surrounding white space."""
    spans: list[SentenceSpan] = []
    line_start = 0
    for line_number, line in enumerate(text.split("\n")):
        line_end = line_start + len(line)
        start = line_start
        for match in _END.finditer(text, line_start, line_end):
            if _is_boundary(text, match, line_start):
                _add(spans, text, start, match.end(), line_number)
                start = match.end()
        _add(spans, text, start, line_end, line_number)
        line_start = line_end + 1
    return spans


def _add(spans: list[SentenceSpan], text: str, start: int, end: int, line: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append(SentenceSpan(start, end, line))
