"""A question's search terms: its words less the words of asking, with their other words.

See `answers.ranking` for what is kept: names the question sets apart, keywords
in capitals, words a phrasing implies ("how big": size; `//`: operator), and an earlier
question's terms at lower weight.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from answers.ingest.words import (
    QUESTION_FILLER,
    QUESTION_WORDS,
    STOP_WORDS,
    Token,
    code_term,
    fold,
    stem,
    tokens,
)
from answers.question import without_mentions
from answers.ranking.keywords import keywords_named

__all__ = [
    "CALLED",
    "MAX_QUERY_TERMS",
    "SYNONYMS",
    "Query",
    "QuestionTerm",
    "analyse_question",
    "content_terms",
    "question_terms",
    "question_words",
]

CONTEXT_WEIGHT = 0.5  # an earlier question's terms count half as much as the question's own
CODE_WEIGHT = 1.5  # a name or operator the question writes as code (`zip()`, `**`) is its topic
PART_WEIGHT = 0.5
ALTERNATIVE_WEIGHT = 0.6  # "directory" searched for "folder" counts this much of "folder"
NUMBER_WEIGHT = 0.3  # "2 seconds", "'2023-01-31'": an example value, rarely the documents' words  # "join" of "os.path.join" counts half: the whole name is the better match
MAX_QUERY_TERMS = 32

# "How long", "how many": the second word asks too.
HOW_WORDS = frozenset("long many much often far soon come".split())
# ...and some ask for a measure the documents name: "how big" is a size.
HOW_MEASURES = {
    "big": "size",
    "large": "size",
    "small": "size",
    "fast": "speed",
    "slow": "speed",
    "many": "number",
    "old": "age",
    "tall": "height",
    "high": "height",
    "wide": "width",
    "deep": "depth",
    "heavy": "weight",
    "often": "frequency",
}
# "How big can it get", "how many can it hold": the question asks for a limit.
HOW_LIMITS = {"big": "maximum", "large": "maximum", "long": "maximum", "many": "maximum"}
MODALS = frozenset("can could".split())
LIMIT_REACH = 3  # "how big can an sqlite database get": words from the measure to its modal
# Verbs whose particle changes their meaning ("turn them on"), and the word documents use.
PHRASAL_VERBS = {
    ("turn", "on"): "enable",
    ("switch", "on"): "enable",
    ("turn", "off"): "disable",
    ("switch", "off"): "disable",
    ("pull", "out"): "extract",
    ("take", "out"): "extract",
}
OPERATOR = "operator"  # what documents call a symbol such as `//` or `:=`
PARTICLE_REACH = 3  # "pull a value out": words between a verb and its particle
_SHOUTED = re.compile(r"\b[A-Z]{2,}\b")  # "is LIKE case sensitive": a keyword, not a stop word

# Words people and documents use for the same thing in software (one group per line).
SYNONYM_GROUPS = (
    "folder directory",
    "delete remove erase",
    "change modify alter",
    "pick choose choice",
    "item element",
    "pause sleep suspend",
    "env environment",
    "run execute",
    "start begin",
    "stop terminate",
    "error exception",
    "args arguments",
    "param parameter",
    "dict dictionary",
    "str string",
    "int integer",
    "func function",
    "var variable",
    "config configuration",
    "combine join concatenate",
    "repo repository",
    "docs documentation",
    "app application",
    "db database",
    "num number",
    "max maximum largest",
    "min minimum smallest",
)


def _synonyms() -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for group in SYNONYM_GROUPS:
        stems = list(dict.fromkeys(stem(fold(w)) for w in group.split()))
        for one in stems:
            found.setdefault(one, []).extend(s for s in stems if s != one)
    return {term: tuple(dict.fromkeys(others)) for term, others in found.items()}


SYNONYMS = _synonyms()

CALLED = re.compile(r"\b([A-Za-z_]\w*)\(\)")  # "zip()", "range()": a name written as a call

_QUOTED = re.compile(
    r"`([^`]{1,40})`|\"([^\"]{1,40})\"|“([^”]{1,40})”|(?<!\w)['‘]([^'’]{1,40})['’](?!\w)"
)
_BETWEEN = re.compile(r"\bbetween\s+(\S+)\s+and\s+(\S+?)[\s?.!,]*$", re.IGNORECASE)
_VERSUS = re.compile(r"(\S+)\s+(?:vs\.?|versus)\s+(\S+?)[\s?.!,]*$", re.IGNORECASE)


@dataclass(frozen=True)
class QuestionTerm:
    """A search term of the question and the word the person typed for it."""

    term: str
    word: str
    is_code: bool = False  # a name or operator (`os.path.join`, `==`)
    is_part: bool = False  # a plain part of a code term ("join" of "os.path.join")
    is_context: bool = False  # from an earlier question, not this one
    # Other words for the same thing ("folder": directory); one of several words is a phrase
    # held when all its words are ("wal": "write ahead log").
    alternatives: tuple[str, ...] = ()
    is_implied: bool = False  # not typed but meant: "size" for "how big", "enable" for "turn on"

    def is_in(self, found: Collection[str]) -> bool:
        """Whether `found` holds the term or one of its other words."""
        return self.term in found or any(
            a in found or (" " in a and all(w in found for w in a.split()))
            for a in self.alternatives
        )

    @property
    def factor(self) -> float:
        """How much the term counts beside the question's own whole terms."""
        return (
            (CODE_WEIGHT if self.is_code and not self.is_part else 1.0)
            * (PART_WEIGHT if self.is_part else 1.0)
            * (CONTEXT_WEIGHT if self.is_context else 1.0)
            * (NUMBER_WEIGHT if self.term.replace(".", "").isdigit() else 1.0)
            * (ALTERNATIVE_WEIGHT if self.is_implied else 1.0)
        )


@dataclass(frozen=True)
class Query:
    question: str
    terms: tuple[QuestionTerm, ...]

    @property
    def search_terms(self) -> list[str]:
        """The terms searched for: the question's, then their other words."""
        own = [t.term for t in self.terms]
        others = [a for t in self.terms for a in t.alternatives if a not in own]
        return list(dict.fromkeys([*own, *others]))[:MAX_QUERY_TERMS]

    def factors(self) -> dict[str, float]:
        """How much each searched term counts (`QuestionTerm.factor`; other words less)."""
        found: dict[str, float] = {}
        for t in self.terms:
            for other in t.alternatives:
                found.setdefault(other, t.factor * ALTERNATIVE_WEIGHT)
        found.update({t.term: t.factor for t in self.terms})
        return found

    @property
    def judged(self) -> tuple[QuestionTerm, ...]:
        """The terms coverage is judged on: whole terms, not the parts of a name."""
        return tuple(t for t in self.terms if not t.is_part)

    def with_alternatives(self, extra: Mapping[str, Sequence[str]]) -> Query:
        """The query with more words for some of its plain terms (`extra`: term -> words),
        as acronyms and joined words add them; code and an earlier question's terms keep theirs."""
        if not extra:
            return self
        terms = tuple(
            replace(t, alternatives=tuple(dict.fromkeys((*t.alternatives, *extra[t.term]))))
            if t.term in extra and not t.is_code and not t.is_context
            else t
            for t in self.terms
        )
        return replace(self, terms=terms)

    def __bool__(self) -> bool:
        return bool(self.terms)


def _set_apart(question: str) -> set[str]:
    """Words the question marks as names: quoted or in backticks, the two sides of "between X
    and Y" or "X vs Y". They are searched even when they are stop words ("is", "in")."""
    found: set[str] = set()
    for quoted in _QUOTED.finditer(question):
        inside = next(g for g in quoted.groups() if g is not None)
        found.update(t.word for t in tokens(inside))
    for pattern in (_BETWEEN, _VERSUS):
        sides = pattern.search(question.strip())
        if sides:
            for side in sides.groups():
                found.update(t.word for t in tokens(side))
    return found


def _shouted(question: str) -> set[str]:
    """Words a question in lower case writes in capitals ("is LIKE case sensitive"): names of
    keywords, kept even when they are stop words."""
    letters = [ch for ch in question if ch.isalpha()]
    if sum(ch.isupper() for ch in letters) * 2 > len(letters):
        return set()  # a question in capitals shouts every word
    return {w.casefold() for w in _SHOUTED.findall(question)} - QUESTION_WORDS


def _implied(found: Sequence[Token]) -> list[Token]:
    """Words a question means without typing them: the measure of "how big" (size) and the verb
    of "turn ... on" (enable), as documents put them."""
    implied: list[Token] = []
    for i, token in enumerate(found):
        after = [t.word for t in found[i + 1 : i + 2 + PARTICLE_REACH]]
        if token.word == "how" and after and after[0] in HOW_MEASURES:
            word = HOW_MEASURES[after[0]]
            implied.append(Token(word, stem(word), is_code=False))
        if token.word == "how" and after and after[0] in HOW_LIMITS:
            if MODALS.intersection(after[1 : 1 + LIMIT_REACH]):
                word = HOW_LIMITS[after[0]]
                implied.append(Token(word, stem(word), is_code=False))
        for particle in after:
            word = PHRASAL_VERBS.get((token.word, particle), "")
            if word:
                implied.append(Token(word, stem(word), is_code=False))
                break
    symbols = [t for t in found if t.is_code and not any(ch.isalnum() for ch in t.word)]
    if symbols and len(symbols) == sum(t.is_code for t in found):
        # "what does // do": documents name a symbol as an operator ("the // operator"); not
        # a symbol in a snippet of code ("if __name__ == '__main__'").
        implied.append(Token(OPERATOR, stem(OPERATOR), is_code=False))
    return implied


def is_starred(term: str) -> bool:
    """Whether `term` is what every starred name shares (`starred_term`)."""
    return term.startswith("(*")


def _question_terms(question: str, *, is_context: bool = False) -> list[QuestionTerm]:
    """The question's terms in the order asked, each once (see the module docstring)."""
    shouted = _shouted(question)
    called = {m.group(1).casefold() for m in CALLED.finditer(question)}
    found = [
        Token(t.word, t.term, is_code=True) if t.word in called and not t.part_of else t
        for t in tokens(question)
    ]
    named = _set_apart(question) | keywords_named(found)

    def keep(token_word: str, is_code: bool) -> bool:
        if is_code or token_word in named or token_word in shouted:
            return True
        if token_word in STOP_WORDS or token_word in QUESTION_FILLER:
            return False
        return len(token_word) > 1 or token_word.isdigit()

    asking = {
        found[i + 1].word
        for i, t in enumerate(found[:-1])
        if t.word == "how" and found[i + 1].word in HOW_WORDS
    }
    kept = [t for t in found if keep(t.word, t.is_code) and t.word not in asking]
    if not kept:  # only stop words: search the ones that are not the words of asking
        kept = [t for t in found if t.word not in QUESTION_WORDS and t.word not in QUESTION_FILLER]
    result: dict[str, QuestionTerm] = {}
    for token in kept:
        # A stop word the question names ("between is and ==") is asked about as code.
        as_code = token.word in named and token.word in STOP_WORDS and not token.is_code
        term = code_term(token.word) if as_code else token.term
        result.setdefault(
            term,
            QuestionTerm(
                term=term,
                word=token.word,
                is_code=token.is_code or as_code,
                is_part=bool(token.part_of) and not is_starred(term),
                is_context=is_context,
                alternatives=() if token.is_code or as_code else SYNONYMS.get(term, ()),
                # `**kwargs` asks about any `**name` too, as a word it implies.
                is_implied=is_starred(term),
            ),
        )
    # A part that the question also names on its own is a whole term after all.
    for token in _implied(found):
        result.setdefault(
            token.term,
            QuestionTerm(
                term=token.term,
                word=token.word,
                is_context=is_context,
                alternatives=SYNONYMS.get(token.term, ()),
                is_implied=True,
            ),
        )
    wholes = {t.term for t in kept if not t.part_of}
    return [
        replace(t, is_part=False) if t.term in wholes and t.is_part else t for t in result.values()
    ]


def analyse_question(question: str, *, context: Iterable[str] = ()) -> Query:
    """The question's search terms, with `context` (earlier questions) joining at lower
    weight (see the module docstring)."""
    asked = _question_terms(without_mentions(question))
    seen = {t.term for t in asked}
    extra: list[QuestionTerm] = []
    for earlier in context:
        for term in _question_terms(without_mentions(earlier), is_context=True):
            if term.term not in seen:
                seen.add(term.term)
                extra.append(term)
    return Query(question=question, terms=(*asked, *extra))


def question_terms(question: str) -> list[QuestionTerm]:
    """The question's distinct search terms in the order asked."""
    return list(analyse_question(question).terms)


def question_words(question: str) -> list[str]:
    """The words the person typed for the question's search terms, in order (not the words
    it implies: "size" for "how big")."""
    return [t.word for t in analyse_question(question).terms if not t.is_implied]


def content_terms(text: str) -> list[str]:
    """The terms of `text` less its stop words: what a text is about."""
    return [t.term for t in tokens(text) if t.is_code or t.word not in STOP_WORDS]
