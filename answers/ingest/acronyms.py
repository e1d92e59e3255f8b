"""Acronyms a document defines, and their long forms: what lets "WAL" find "Write-Ahead Log".

Documentation defines its acronyms in a few set ways, and `defined_acronyms`
reads them from a document's text, title and headings:

    Global Interpreter Lock (GIL)          the long form, then the acronym in brackets
    UTC (Coordinated Universal Time)       the acronym, then the long form in brackets
    a new "Write-Ahead Log" option (hereafter referred to as "WAL")
                                           a quoted long form, the acronym quoted or
                                           bracketed after it in the same sentence
    title "Write-Ahead Logging", text "... the WAL file ..."
                                           a title or heading whose words' initials spell
                                           an acronym the document uses

A long form must spell the acronym with its words' initials, in order (a hyphen or
slash starts a word: "Write-Ahead", "I/O"; a small word such as "of" may be
skipped), and must start and end on a word that gives a letter, so an acronym
never pairs with words around it that merely share a letter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Acronym", "acronym_key", "asked_keys", "defined_acronyms", "spells"]

MAX_LETTERS = 8
MIN_TITLE_LETTERS = 3  # a two-letter acronym spelt by a heading's initials is too often chance
MIN_TITLE_USES = 2  # ...and the document must use the acronym this often
MIN_LONG_CHARS = 2  # a long form has at least this many letters per letter of its acronym
EXTRA_WORDS = 3  # a long form may hold this many small words beyond one per letter
QUOTE_REACH = 120  # characters from a quoted long form to its acronym, in one sentence

# Words a long form may skip without giving a letter ("Department of Defense": DoD).
SMALL_WORDS = frozenset("a an and as at by for from in of on or the to with".split())

# "WAL", "FTS5", "URLs", "I18N": two or more capitals, digits after the first letter, a
# plural "s" at the end.
_ACRONYM = r"[A-Z]{2,}[0-9]*s?"
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“(])|\n")
_LONG_THEN_SHORT = re.compile(rf"\(\s*(?:or\s+|i\.e\.,?\s+)?({_ACRONYM})\s*[),;]")
_SHORT_THEN_LONG = re.compile(rf"\b({_ACRONYM})\s*\(([^(),;:]{{3,80}})[),;:]")
_QUOTED = re.compile(r"[\"“]([^\"”]{3,80})[\"”]")
_QUOTED_SHORT = re.compile(rf"[\"“(]({_ACRONYM})[\"”)]")
_USED = re.compile(rf"(?<![\w-])({_ACRONYM})(?![\w-])")
_LOWER_WORD = re.compile(r"(?<![\w-])([a-z]{2,})(?![\w-])")


@dataclass(frozen=True)
class Acronym:
    """An acronym (`short`, as written: "WAL") and the long form it stands for."""

    short: str
    long: str


def acronym_key(short: str) -> str:
    """How the index keeps an acronym as written: folded, without a plural "s" ("URLs": url,
    "FTS5": fts5, "TLS": tls)."""
    return (short[:-1] if short.endswith("s") else short).casefold()


def asked_keys(word: str) -> list[str]:
    """The keys a question's word may be an acronym under ("urls": urls or url)."""
    folded = word.casefold()
    return [folded, folded[:-1]] if folded.endswith("s") and len(folded) > 2 else [folded]


def _letters(short: str) -> str:
    """The letters a long form must spell: the capitals ("FTS5": FTS, "URLs": URL)."""
    return "".join(ch for ch in short if ch.isupper())


def _words(text: str) -> list[str]:
    """Words as initials count them: "Write-Ahead" is two, "I/O" two."""
    return _WORD.findall(text)


@lru_cache(maxsize=4096)
def _spelt(initials: tuple[str, ...], small: tuple[bool, ...], letters: str) -> bool:
    """Whether the words (their initials, and which are small words) spell `letters` in order,
    each letter from its own word; a small word may be skipped."""
    if not letters:
        return not initials
    if not initials:
        return False
    if initials[0] == letters[0] and _spelt(initials[1:], small[1:], letters[1:]):
        return True
    return small[0] and _spelt(initials[1:], small[1:], letters)


def spells(words: list[str], letters: str, *, skipping: bool = True) -> bool:
    """Whether `words` (all of them) spell `letters` with their initials, starting and ending
    on a word that is not a small word; `skipping` lets a small word inside give no letter."""
    if not words or len(words) < len(letters):
        return False
    folded = [w.casefold() for w in words]
    if folded[0] in SMALL_WORDS or folded[-1] in SMALL_WORDS:
        return False
    if letters.casefold() in folded:  # "nis — Interface to Sun": the acronym is no long form
        return False
    if len("".join(words)) < MIN_LONG_CHARS * len(letters):  # "X, Y" is no long form of XY
        return False
    initials = tuple(w[0] for w in folded)
    small = tuple(skipping and w in SMALL_WORDS for w in folded)
    return _spelt(initials, small, letters.casefold())


def _ending(text: str, letters: str) -> str:
    """The shortest run of words ending `text` that spells `letters`, as written ("")."""
    found = list(_WORD.finditer(text))
    for count in range(len(letters), min(len(found), len(letters) + EXTRA_WORDS) + 1):
        run = found[-count:]
        if spells([m.group() for m in run], letters):
            return text[run[0].start() : run[-1].end()]
    return ""


def _in_sentence(sentence: str) -> Iterable[Acronym]:
    for match in _LONG_THEN_SHORT.finditer(sentence):
        short = match.group(1)
        letters = _letters(short)
        if len(letters) <= MAX_LETTERS:
            before = sentence[: match.start()].rstrip(" ,\"”'")
            long = _ending(before, letters)
            if long:
                yield Acronym(short, long)
    for match in _SHORT_THEN_LONG.finditer(sentence):
        short, inside = match.group(1), match.group(2).strip(" \"“”'‘’")
        if len(_letters(short)) <= MAX_LETTERS and spells(_words(inside), _letters(short)):
            yield Acronym(short, inside)  # the whole bracket: "UTC (use the connection's ...)"
    for quoted in _QUOTED.finditer(sentence):
        after = sentence[quoted.end() : quoted.end() + QUOTE_REACH]
        for match in _QUOTED_SHORT.finditer(after):
            short = match.group(1)
            words = _words(quoted.group(1))
            if len(_letters(short)) <= MAX_LETTERS and spells(words, _letters(short)):
                yield Acronym(short, quoted.group(1).strip())


def _in_titles(titles: Iterable[str], text: str) -> Iterable[Acronym]:
    """Acronyms the document uses that a run of a title's or heading's words spells, one word
    a letter. Not a word in capitals the text writes as often in lower case ("SET": set)."""
    used: dict[str, int] = {}
    for match in _USED.finditer(text):
        used[match.group(1)] = used.get(match.group(1), 0) + 1
    lower: dict[str, int] = {}
    for word in _LOWER_WORD.findall(text):
        lower[word] = lower.get(word, 0) + 1
    wanted: dict[str, str] = {}
    for short, count in used.items():
        letters = _letters(short)
        if count >= MIN_TITLE_USES and MIN_TITLE_LETTERS <= len(letters) <= MAX_LETTERS:
            if count > lower.get(letters.casefold(), 0) + lower.get(short.casefold(), 0):
                wanted.setdefault(letters, short)
    lengths = sorted({len(letters) for letters in wanted})
    for title in titles:
        found = list(_WORD.finditer(title))
        for start in range(len(found)):
            for length in lengths:
                run = found[start : start + length]
                initials = "".join(m.group()[0] for m in run).upper()
                short = wanted.get(initials, "")
                if short and spells([m.group() for m in run], initials, skipping=False):
                    yield Acronym(short, title[run[0].start() : run[-1].end()])


def defined_acronyms(title: str, headings: Iterable[str], text: str) -> list[Acronym]:
    """The acronyms the document defines (see the module docstring), each pair once."""
    found: dict[tuple[str, str], Acronym] = {}
    headings = [title, *headings]
    for sentence in [*headings, *_SENTENCE_END.split(text)]:
        for acronym in _in_sentence(sentence):
            found.setdefault((acronym.short, acronym.long.casefold()), acronym)
    for acronym in _in_titles(headings, text):
        found.setdefault((acronym.short, acronym.long.casefold()), acronym)
    return list(found.values())
