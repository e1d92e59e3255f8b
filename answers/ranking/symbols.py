"""What documents call a symbol: "the walrus operator :=", "// (floor division)".

A question about a symbol alone ("what is := in python") reaches the passages that
write the symbol, but the section explaining it is often headed and worded by its
name ("Assignment expressions", "The power operator") and writes the symbol only in
code. `symbol_names` reads the name off the prose beside the symbol in the
documents themselves and `with_symbol_names` searches it too, so any documentation
teaches its own names.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace

from answers.ingest.words import STOP_WORDS, fold, stem
from answers.ranking.question import OPERATOR, Query, QuestionTerm

__all__ = ["MAX_NAMES", "is_symbol", "symbol_names", "with_symbol_names"]

MAX_NAMES = 2  # the names most passages use; the rest are rarer asides
MIN_USES = 2  # passages that must give a name: one aside ("may follow unpackings (**)") is not
_NAME = r"([a-z][a-z-]*(?: [a-z][a-z-]*){0,2})"
_DETERMINER = r"\b(?:the|a|an)"


def is_symbol(term: QuestionTerm) -> bool:
    """A term written with no letter or digit: `//`, `:=`, `**`."""
    return term.is_code and not any(ch.isalnum() for ch in term.word)


def _patterns(symbol: str) -> list[tuple[re.Pattern[str], bool]]:
    """Where prose names the symbol, each with whether the name may have caught words of
    the sentence before it ("... and floor division (//)") to trim."""
    sym = r"(?<![^\s(\"'])" + re.escape(symbol) + r"(?![^\s),.;:\"'])"
    return [
        # "the walrus operator :=", "the integer division operator //"
        (re.compile(_DETERMINER + " " + _NAME + r" operators? " + sym), False),
        # "the floor division operator is //"
        (re.compile(_DETERMINER + " " + _NAME + r" operator is " + sym), False),
        # "// (floor division)", "the @ (at) operator"; not "!= (not equals)"
        (re.compile(sym + r" \(" + _NAME + r"\)"), False),
        # "floor division (//)", "the modulo operator (%)"
        (re.compile(r"\b" + _NAME + r"(?: operator)? \(" + sym + r"\)"), True),
    ]


def _name(found: str, *, trim: bool) -> tuple[str, ...]:
    """The name's words; with `trim`, less the leading stop words it caught ("and ...")."""
    words = found.split()
    while trim and words and words[0] in STOP_WORDS:
        words = words[1:]
    if not words or any(w in STOP_WORDS for w in words):
        return ()
    return tuple(words)


def symbol_names(symbol: str, texts: Iterable[str]) -> list[tuple[str, ...]]:
    """The names prose gives `symbol` in `texts`, the most used first (at most `MAX_NAMES`),
    each as its words ("floor", "division"), when at least `MIN_USES` passages give it."""
    patterns = _patterns(fold(symbol))
    counts: Counter[tuple[str, ...]] = Counter()
    for text in texts:
        prose = " ".join(fold(text).split())
        named = {_name(m.group(1), trim=trim) for p, trim in patterns for m in p.finditer(prose)}
        counts.update(n for n in named if n and n != (OPERATOR,))  # once per passage
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [name for name, uses in ranked[:MAX_NAMES] if uses >= MIN_USES]


def with_symbol_names(query: Query, names_of: Callable[[str], list[tuple[str, ...]]]) -> Query:
    """`query` with each asked symbol's names (`names_of(symbol)`): a name of one word is
    another word for the symbol ("walrus" for `:=`), the words of a longer name are words the
    question implies ("floor", "division" for `//`; each alone is not the symbol)."""
    symbols = {t.term for t in query.terms if is_symbol(t) and not t.is_context}
    if not symbols or any(t.is_code and not is_symbol(t) for t in query.terms if not t.is_part):
        return query  # a snippet of code with names ("if __name__ == ..."), not a symbol
    have = {t.term for t in query.terms}
    terms: list[QuestionTerm] = []
    extra: list[QuestionTerm] = []
    for term in query.terms:
        names = names_of(term.word) if term.term in symbols else []
        others = [stem(name[0]) for name in names if len(name) == 1]
        terms.append(replace(term, alternatives=(*term.alternatives, *others)))
        for word in (w for name in names if len(name) > 1 for w in name):
            if stem(word) not in have and stem(word) != stem(OPERATOR):
                have.add(stem(word))
                extra.append(QuestionTerm(term=stem(word), word=word, is_implied=True))
    return replace(query, terms=(*terms, *extra))
