"""Question sets: questions people ask, with gold evidence, and the check that the gold is real.

A set is a YAML file beside this module:

    corpus: python
    questions:
      - id: is-vs-eq
        q: "whats the difference between is and == ?"
        kind: answerable          # answerable | uncovered | false_premise
        tags: [difference, symbol]
        pages: [reference/expressions.html]   # relative to the corpus folder
        phrases: ["object identity"]           # a real answer contains one of them

An uncovered question has no pages or phrases. A false-premise question's
pages and phrases are the ones that correct it. `validate` fails loudly
unless every gold page exists and every gold phrase occurs (case- and
whitespace-insensitively) in the text of one of its question's gold pages.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Literal

import yaml  # type: ignore[import-untyped]

__all__ = [
    "KINDS",
    "GoldError",
    "Question",
    "QuestionSet",
    "fold",
    "load_questions",
    "page_text",
    "parse_questions",
    "validate",
]

Kind = Literal["answerable", "uncovered", "false_premise"]
KINDS: tuple[Kind, ...] = ("answerable", "uncovered", "false_premise")

_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "¶": " ", "\u00a0": " "})


def fold(text: str) -> str:
    """Text as the scorer compares it: NFKC, straight quotes, no "¶", case-folded, one space."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    return _SPACE.sub(" ", text).strip()


class GoldError(ValueError):
    """A question set that cannot be trusted; the message lists every problem."""


@dataclass(frozen=True)
class Question:
    id: str
    q: str
    kind: Kind
    tags: tuple[str, ...] = ()
    pages: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuestionSet:
    corpus: str
    questions: tuple[Question, ...]

    def of_kind(self, kind: Kind) -> list[Question]:
        return [q for q in self.questions if q.kind == kind]


def load_questions(path: Path) -> QuestionSet:
    return parse_questions(yaml.safe_load(path.read_text(encoding="utf-8")), where=path.name)


def parse_questions(data: Any, *, where: str = "question set") -> QuestionSet:
    """A question set from its parsed YAML; raises GoldError listing every malformed entry."""
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        raise GoldError(f"{where}: expected a mapping with `corpus` and a `questions` list")
    problems: list[str] = []
    questions: list[Question] = []
    seen: set[str] = set()
    for n, item in enumerate(data["questions"], start=1):
        label = f"{where} #{n}"
        if not isinstance(item, dict):
            problems.append(f"{label}: not a mapping")
            continue
        qid, text, kind = str(item.get("id", "")), item.get("q"), item.get("kind", "answerable")
        label = f"{where} {qid or '#' + str(n)}"
        unknown = set(item) - {"id", "q", "kind", "tags", "pages", "phrases"}
        if unknown:
            problems.append(f"{label}: unknown keys {sorted(unknown)}")
        if not qid:
            problems.append(f"{label}: no id")
        elif qid in seen:
            problems.append(f"{label}: duplicate id")
        seen.add(qid)
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{label}: no question text")
            continue
        if kind not in KINDS:
            problems.append(f"{label}: kind must be one of {', '.join(KINDS)}")
            continue
        pages, phrases = _strings(item.get("pages")), _strings(item.get("phrases"))
        if kind == "uncovered" and (pages or phrases):
            problems.append(f"{label}: an uncovered question has no gold pages or phrases")
        if kind != "uncovered" and not (pages and phrases):
            problems.append(f"{label}: needs gold pages and gold phrases")
        questions.append(Question(qid, text, kind, _strings(item.get("tags")), pages, phrases))
    if problems:
        raise GoldError("\n".join(problems))
    return QuestionSet(str(data.get("corpus", "")), tuple(questions))


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


_BLOCKS = frozenset(
    "p div li ul ol dl dt dd h1 h2 h3 h4 h5 h6 br tr td th table pre section blockquote".split()
)


class _TextOf(HTMLParser):
    """Every text node of a page outside <script> and <style>; block tags separate words."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in _BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        elif tag in _BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def page_text(path: Path) -> str:
    """A page's text, independent of factbot's own reader (which is what is being measured)."""
    raw = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix.lower() not in (".html", ".htm"):
        return raw
    parser = _TextOf()
    parser.feed(raw)
    parser.close()
    return html.unescape("".join(parser.parts))


def validate(
    questions: QuestionSet,
    pages: Iterable[str],
    text_of: Callable[[str], str],
) -> None:
    """Raise GoldError unless every gold page is one of `pages` and every gold phrase occurs in
    the text of one of its question's gold pages."""
    known = set(pages)
    folded: dict[str, str] = {}
    problems: list[str] = []
    for q in questions.questions:
        present = []
        for page in q.pages:
            if page not in known:
                problems.append(f"{q.id}: gold page {page!r} is not in the corpus")
            else:
                present.append(page)
        for phrase in q.phrases:
            if not fold(phrase):
                problems.append(f"{q.id}: empty gold phrase")
                continue
            texts = (folded.setdefault(p, fold(text_of(p))) for p in present)
            if present and not any(fold(phrase) in t for t in texts):
                problems.append(
                    f"{q.id}: gold phrase {phrase!r} occurs in none of {', '.join(present)}"
                )
    if problems:
        raise GoldError(
            f"the {questions.corpus} question set is wrong:\n  " + "\n  ".join(problems)
        )
