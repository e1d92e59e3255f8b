"""What a heading announces, and how squarely it names the question."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence

from answers.evidence import Passage
from answers.ingest.names import code_name
from answers.ingest.words import STOP_WORDS, stem, terms
from answers.ranking.coverage import rarest_terms
from answers.ranking.question import CALLED, Query

__all__ = [
    "VAGUE_HEADINGS",
    "announced_terms",
    "api_named_terms",
    "focus_of",
    "heading_focus",
    "heading_terms",
    "is_identifier",
    "is_vague_heading",
    "names_the_document",
]

ATTRIBUTE_FOCUS = 0.5  # a heading naming an attribute called like the function asked for
MIN_GLUED_WORD = 4  # "nsmallest" names smallest; a shorter word is too often a mere syllable
HEADING_PRECISION = 0.5  # how much a heading's other words dilute how well it names a question

# Headings that name no topic of their own: what they head is about the document's title.
VAGUE_HEADINGS = frozenset(
    "introduction overview summary background contents details description notes note more "
    "misc untitled main home about general other examples example usage api reference index "
    "glossary appendix footnotes warning warnings tip tips".split()
)
IDENTIFIER_LETTERS = 0.4  # a heading with fewer letters than this share of its letters and digits
_WORD_OF_THREE = re.compile(r"[^\W\d_]{3,}")
_NUMBERING = re.compile(r"^\s*(?:\d{1,3}(?:\.\d{1,3})*[.):]?\s+)+")


def is_vague_heading(heading: str) -> bool:
    """A heading such as "1. Introduction", "Overview" or an identifier of numbers
    ("R-18996-06026-12732"): it names no topic of its own."""
    text = _NUMBERING.sub("", heading).strip(" :.")
    return text.casefold() in VAGUE_HEADINGS or is_identifier(text)


def is_identifier(heading: str) -> bool:
    """A heading that is a reference number, not words ("R-18996-06026", "2011-06-28 -
    Version 3.7.7.1"): no word of three letters or more, or more digits than letters."""
    letters = sum(ch.isalpha() for ch in heading)
    digits = sum(ch.isdigit() for ch in heading)
    if not heading.strip():
        return False
    return not _WORD_OF_THREE.search(heading) or letters < IDENTIFIER_LETTERS * (letters + digits)


def names_the_document(passage: Passage) -> bool:
    """A passage whose heading is the document's own (none, the title, or a vague one such as
    "Introduction"): what it is about is what the title says."""
    heading = passage.heading.strip().casefold()
    title = passage.source.title.strip().casefold()
    return not heading or heading == title or is_vague_heading(passage.heading)


def announced_terms(passage: Passage) -> list[str]:
    """What a passage is announced as being about (see `heading_terms`)."""
    return heading_terms(passage.heading, passage.source.title)


def heading_terms(heading: str, title: str) -> list[str]:
    """The terms of what a heading announces: an API signature's name only
    ("os.path.join(path, *paths)" announces os.path.join), the document's title for a heading
    that names nothing of its own (none, or "Introduction"); a section number says nothing."""
    if not heading.strip() or is_vague_heading(heading):
        return terms(title)
    named = code_name(heading)
    return terms(named[0]) if named is not None else terms(_NUMBERING.sub("", heading))


def _whole_terms(held: Sequence[str]) -> list[str]:
    """`held` less the plain parts of its names ("os" and "join" of "os.path.join")."""
    parts = {p for t in held if not t.isalnum() for p in terms(t)[1:]}
    return [t for t in held if t not in parts]


def _names(term: str, spoken: Collection[str]) -> bool:
    """Whether a heading's term names what was asked: it is, or it is a name qualified by
    its owner whose last part is ("object.__init__" names `__init__`) or glues it to another
    word ("heapq.nsmallest" names smallest, "shutil.rmtree" names tree)."""
    if term in spoken:
        return True
    if "." not in term:
        return False
    last = term.rsplit(".", 1)[1]
    return last in spoken


def _glues(name: str, word: str) -> bool:
    """Whether an identifier ends with `word` glued to what qualifies it, as names are written
    without spaces ("nsmallest", "rmtree", "basicconfig"); the last word is what a compound is
    ("timeout" is no time, "dictwriter" no dict)."""
    return len(word) >= MIN_GLUED_WORD and len(name) > len(word) and name.endswith(word)


def _glued_terms(query: Query, weights: Mapping[str, float], wholes: Iterable[str]) -> set[str]:
    """The question's rarest own words that the last part of a heading's names ends with
    (`_glues`): a common word ("file") ends too many names to say what one is about."""
    lasts = [h.rsplit(".", 1)[1] for h in wholes if "." in h]
    lasts = [last for last in lasts if last.isalpha()]
    if not lasts:
        return set()
    rarest = rarest_terms(query, weights)
    return {
        t.term
        for t in query.judged
        if t.term in rarest and not t.is_code and any(_glues(last, t.term) for last in lasts)
    }


def heading_focus(query: Query, weights: Mapping[str, float], announced: Iterable[str]) -> float:
    """How squarely a heading (its terms `announced`) names the question: the share of the
    question it holds, discounted when the question is a small part of a long heading
    ("decorator" names "What is a decorator?" better than "typing.no_type_check_decorator"
    does)."""
    held = [t for t in announced if t not in STOP_WORDS]
    if not held:
        return 0.0
    asked = {t.term for t in query.judged}
    total = sum(weights.get(t, 0.0) for t in asked)
    if total <= 0:
        return 0.0
    heard = set(held)
    wholes = _whole_terms(held)
    found = {
        t.term
        for t in query.judged
        if t.is_in(heard) or any(_names(h, {t.term}) for h in wholes if "." in h)
    } | _glued_terms(query, weights, wholes)
    share = sum(weights.get(t, 0.0) for t in found) / total
    spoken = asked | {w for t in query.judged for a in t.alternatives for w in a.split()}
    named = sum(1 for t in wholes if _names(t, spoken) or _glued_terms(query, weights, [t]))
    precision = named / len(wholes)
    return share * (1 - HEADING_PRECISION + HEADING_PRECISION * precision)


def api_named_terms(query: Query, weights: Mapping[str, float], heading: str) -> frozenset[str]:
    """The question's own words an API heading is named after: its name's last part is one
    ("str.join(iterable)" for "join a list of strings") or ends with a rare one (`_glues`)."""
    named = code_name(heading) if heading.strip() else None
    if named is None or "." not in named[0]:
        return frozenset()
    name = named[0].casefold()
    last = name.rsplit(".", 1)[1]
    own = {t.term for t in query.judged if not t.is_context and not t.is_code}
    exact = {t.term for t in query.judged if t.term in own and stem(last) == t.term}
    return frozenset(exact | (_glued_terms(query, weights, [name]) & own))


def focus_of(query: Query, weights: Mapping[str, float], heading: str, title: str) -> float:
    """`heading_focus` of what the heading announces (`heading_terms`), less when the question
    calls a name ("super()") that the heading documents as a plain attribute ("Class.super"):
    that is another thing of the same name."""
    focus = heading_focus(query, weights, heading_terms(heading, title))
    named = code_name(heading) if heading.strip() else None
    if focus and named is not None and "(" not in heading:
        last = named[0].rsplit(".", 1)[-1].casefold()
        if any(t.is_code and t.word == last for t in query.terms) and CALLED.search(query.question):
            return focus * ATTRIBUTE_FOCUS
    return focus
