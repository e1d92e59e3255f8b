"""What a question searches for, how passages rank against it, and whether one covers it.

Any backend uses it: the corpus backend searches its index with `Query.search`
and judges coverage with `best_coverage`; the web research backend ranks the
passages of fetched pages with `rank_passages`; the extractive writer scores
sentences with the same terms and weights.

    query = analyse_question("What's the difference between is and ==?")
    [t.word for t in query.terms]          # ['is', '==']
    ranked = rank_passages(query, passages, limit=20)

A question's terms are its words (`answers.ingest.words`: folded, stemmed,
code kept whole) less the words of asking and stop words, but never nothing:
a name the question sets apart (`in`, "with", the two sides of "between X
and Y") stays, and when only stop words are left those that are not the
words of asking are searched. Extra terms (an earlier question's, for a
follow-up in a thread) join with `analyse_question(q, context=[earlier])`.
A word written in capitals in a question in lower case is a keyword ("is LIKE
case sensitive"), and a few phrasings imply the word documents use, at lower
weight: a measure for "how big" (size), a verb for "turn ... on" (enable).

Coverage is judged per passage: a passage (with its heading and title)
covers the question when it holds the question's rarest terms together, not
when the words are scattered over unrelated passages.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from answers.evidence import Passage
from answers.ingest.names import code_name
from answers.ingest.words import (
    QUESTION_FILLER,
    QUESTION_WORDS,
    STOP_WORDS,
    Token,
    code_term,
    fold,
    span_terms,
    stem,
    terms,
    tokens,
    words,
)

__all__ = [
    "QUESTION_FILLER",
    "STOP_WORDS",
    "Bm25",
    "Coverage",
    "Query",
    "QuestionTerm",
    "analyse_question",
    "announced_terms",
    "best_coverage",
    "combined_score",
    "content_terms",
    "corrected",
    "coverage_of",
    "focus_of",
    "heading_focus",
    "heading_terms",
    "is_identifier",
    "is_vague_heading",
    "names_the_document",
    "passage_terms",
    "question_sides",
    "question_terms",
    "question_words",
    "rank_passages",
    "span_terms",
    "stem",
    "term_weights",
    "terms",
    "words",
]

BM25_K1 = 1.2
BM25_B = 0.75
HEADING_WEIGHT = 2  # a heading's words count twice: it says what the paragraph is about
CONTEXT_WEIGHT = 0.5  # an earlier question's terms count half as much as the question's own
CODE_WEIGHT = 1.5  # a name or operator the question writes as code (`zip()`, `**`) is its topic
PART_WEIGHT = 0.5
ALTERNATIVE_WEIGHT = 0.6  # "directory" searched for "folder" counts this much of "folder"
NUMBER_WEIGHT = 0.3  # "2 seconds", "'2023-01-31'": an example value, rarely the documents' words  # "join" of "os.path.join" counts half: the whole name is the better match
MAX_QUERY_TERMS = 32
MIN_CORRECTED_CHARS = 6  # shorter terms are never taken for misspellings
ABSENT_WEIGHT = 1.5  # a word no document has weighs up to this times the rarest one they have
MIN_CORRECTION_USES = 20  # a misspelling is corrected to a term at least this many passages use
# Coverage: a passage must hold this weighted share of the question's terms...
COVERED_SHARE = 0.5
# ...and one of the rarest of them (those within this share of the rarest one's weight).
RAREST_SHARE = 0.75
# Ranking (`combined_score`): BM25 (scaled to the best) against the share of the question...
COVERAGE_WEIGHT = 0.5
HEADING_FOCUS = 0.25  # ...plus this much for the share of the question its heading holds
LATER_PART_FOCUS = 0.5  # ...halved past the section's opening passage
COVERED_BONUS = 0.25  # ...and this much when it holds the question's rarest terms together
ATTRIBUTE_FOCUS = 0.5  # a heading naming an attribute called like the function asked for
HEADING_PRECISION = 0.5  # how much a heading's other words dilute how well it names a question

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
# Verbs whose particle changes their meaning ("turn them on"), and the word documents use.
PHRASAL_VERBS = {
    ("turn", "on"): "enable",
    ("switch", "on"): "enable",
    ("turn", "off"): "disable",
    ("switch", "off"): "disable",
    ("pull", "out"): "extract",
    ("take", "out"): "extract",
}
_CLAUSE = re.compile(r"[?!,;:]|\.\s|\s[-–—]+\s")  # where a question's clauses meet
PARTICLE_REACH = 3  # "pull a value out": words between a verb and its particle
_SHOUTED = re.compile(r"\b[A-Z]{2,}\b")  # "is LIKE case sensitive": a keyword, not a stop word

# Headings that name no topic of their own: what they head is about the document's title.
VAGUE_HEADINGS = frozenset(
    "introduction overview summary background contents details description notes note more "
    "misc untitled main home about general other examples example usage api reference index "
    "glossary appendix footnotes warning warnings tip tips".split()
)
IDENTIFIER_LETTERS = 0.4  # a heading with fewer letters than this share of its letters and digits
_WORD_OF_THREE = re.compile(r"[^\W\d_]{3,}")
_NUMBERING = re.compile(r"^\s*(?:\d{1,3}(?:\.\d{1,3})*[.):]?\s+)+")

# Words people and documents use for the same thing in software (one group per line).
SYNONYM_GROUPS = (
    "folder directory",
    "delete remove erase",
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


# Longer words of asking, which a misspelling may be ("diffrence"): dropped, not searched.
_ASKING_WORDS = tuple(w for w in sorted(QUESTION_FILLER | STOP_WORDS) if len(w) >= 6)


def _synonyms() -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for group in SYNONYM_GROUPS:
        stems = list(dict.fromkeys(stem(fold(w)) for w in group.split()))
        for one in stems:
            found.setdefault(one, []).extend(s for s in stems if s != one)
    return {term: tuple(dict.fromkeys(others)) for term, others in found.items()}


SYNONYMS = _synonyms()

_CALLED = re.compile(r"\b([A-Za-z_]\w*)\(\)")  # "zip()", "range()": a name written as a call

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
    alternatives: tuple[str, ...] = ()  # other words for the same thing ("folder": directory)
    is_implied: bool = False  # not typed but meant: "size" for "how big", "enable" for "turn on"

    def is_in(self, found: Collection[str]) -> bool:
        """Whether `found` holds the term or one of its other words."""
        return self.term in found or any(a in found for a in self.alternatives)

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
        for particle in after:
            word = PHRASAL_VERBS.get((token.word, particle), "")
            if word:
                implied.append(Token(word, stem(word), is_code=False))
                break
    return implied


def question_sides(query: Query) -> tuple[list[QuestionTerm], list[QuestionTerm]] | None:
    """The two things a question compares ("X vs Y", "the difference between X and Y", "X or
    Y", "X instead of Y"): the run of the question's terms just before the word that joins
    them and the run just after it, within one clause; None when it compares nothing."""
    own = [t for t in query.terms if not t.is_context and not t.is_part]
    by_key = {**{t.term: t for t in own}, **{t.word: t for t in own}}
    for clause in _CLAUSE.split(query.question):
        found = [t for t in tokens(clause) if not t.part_of]
        typed = [t.word for t in found]
        for n, word in enumerate(typed):
            if word in ("vs", "versus", "or"):
                joined = (found[:n], found[n + 1 :])
            elif word == "instead" and typed[n + 1 : n + 2] == ["of"]:
                joined = (found[:n], found[n + 2 :])
            elif word == "and" and "between" in typed[:n]:
                joined = (found[typed.index("between") + 1 : n], found[n + 1 :])
            else:
                continue
            before = _run([by_key.get(t.word, by_key.get(t.term)) for t in reversed(joined[0])])
            after = _run([by_key.get(t.word, by_key.get(t.term)) for t in joined[1]])
            if before and after:
                return before[::-1], after
    return None


def _run(terms_in_order: Sequence[QuestionTerm | None]) -> list[QuestionTerm]:
    """The first run of terms (None stands for a word that is not one), past any leading
    words that are not ("a list": list)."""
    found: list[QuestionTerm] = []
    for term in terms_in_order:
        if term is not None:
            found.append(term)
        elif found:
            break
    return found


def _question_terms(question: str, *, is_context: bool = False) -> list[QuestionTerm]:
    """The question's terms in the order asked, each once (see the module docstring)."""
    named = _set_apart(question)
    shouted = _shouted(question)
    called = {m.group(1).casefold() for m in _CALLED.finditer(question)}
    found = [
        Token(t.word, t.term, is_code=True) if t.word in called and not t.part_of else t
        for t in tokens(question)
    ]

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
                is_part=bool(token.part_of),
                is_context=is_context,
                alternatives=() if token.is_code or as_code else SYNONYMS.get(term, ()),
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
    asked = _question_terms(question)
    seen = {t.term for t in asked}
    extra: list[QuestionTerm] = []
    for earlier in context:
        for term in _question_terms(earlier, is_context=True):
            if term.term not in seen:
                seen.add(term.term)
                extra.append(term)
    return Query(question=question, terms=(*asked, *extra))


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (insert, delete, replace, swap two neighbours), or
    `limit + 1` once it is sure to exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def spelling_limit(term: str) -> int:
    """How many edits a misspelt term may be from the word meant: none for short words (too
    many real words lie one edit apart), one for middling ones, two for long ones."""
    if len(term) < MIN_CORRECTED_CHARS or not term.isascii() or not term.isalpha():
        return 0
    return 1 if len(term) <= 8 else 2


def corrected(
    query: Query,
    present: Callable[[str], bool],
    candidates: Callable[[str], Iterable[tuple[str, int]]],
) -> Query:
    """The query with each term no document has (`present` says which do) replaced by the
    closest term documents do have (`candidates(term)`: (term, how many passages hold it)
    sharing its first letter), when one is within `spelling_limit`: "pyhton" is searched as
    "python". A misspelt word of asking ("diffrence") is dropped."""
    fixed: list[QuestionTerm] = []
    have = {t.term for t in query.terms}
    for term in query.terms:
        known = present(term.term) or any(present(a) for a in term.alternatives)
        limit = 0 if term.is_code or known else spelling_limit(term.term)
        if not limit:
            fixed.append(term)
            continue
        if any(edit_distance(term.word, word, limit) <= limit for word in _ASKING_WORDS):
            continue  # "diffrence": a word of asking, misspelt

        best: tuple[int, int, str] | None = None
        for candidate, count in candidates(term.term):
            if candidate == term.term or not candidate.isalpha() or count < MIN_CORRECTION_USES:
                continue
            distance = edit_distance(term.term, candidate, limit)
            if distance <= limit and (best is None or (distance, -count, candidate) < best):
                best = (distance, -count, candidate)
        if best is None:
            fixed.append(term)
        elif best[2] not in have:
            have.add(best[2])
            fixed.append(replace(term, term=best[2]))
    return Query(question=query.question, terms=tuple(fixed))


def question_terms(question: str) -> list[QuestionTerm]:
    """The question's distinct search terms in the order asked."""
    return list(analyse_question(question).terms)


def question_words(question: str) -> list[str]:
    """The words the person typed for the question's search terms, in order."""
    return [t.word for t in analyse_question(question).terms]


def content_terms(text: str) -> list[str]:
    """The terms of `text` less its stop words: what a text is about."""
    return [t.term for t in tokens(text) if t.is_code or t.word not in STOP_WORDS]


class Bm25:
    """Okapi BM25 over a fixed list of documents, each a list of terms."""

    def __init__(
        self, documents: Sequence[Sequence[str]], *, k1: float = BM25_K1, b: float = BM25_B
    ) -> None:
        self.k1 = k1
        self.b = b
        self._counts = [Counter(doc) for doc in documents]
        self._lengths = [len(doc) for doc in documents]
        self._average = (sum(self._lengths) / len(documents)) if documents else 0.0
        frequency: Counter[str] = Counter()
        for counts in self._counts:
            frequency.update(counts.keys())
        self._frequency = frequency
        n = len(documents)
        self._idf = {t: math.log(1 + (n - df + 0.5) / (df + 0.5)) for t, df in frequency.items()}

    def __len__(self) -> int:
        return len(self._counts)

    def idf(self, term: str) -> float:
        """How rare a term is across the documents (0 when no document has it)."""
        return self._idf.get(term, 0.0)

    def document_frequency(self, term: str) -> int:
        return self._frequency.get(term, 0)

    def score(
        self, query: Iterable[str], index: int, weights: Mapping[str, float] | None = None
    ) -> float:
        counts = self._counts[index]
        norm = self.k1 * (1 - self.b + self.b * self._lengths[index] / (self._average or 1.0))
        total = 0.0
        for term in dict.fromkeys(query):
            tf = counts.get(term, 0)
            if tf:
                factor = weights.get(term, 1.0) if weights is not None else 1.0
                total += factor * self._idf[term] * tf * (self.k1 + 1) / (tf + norm)
        return total

    def scores(
        self, query: Iterable[str], weights: Mapping[str, float] | None = None
    ) -> list[float]:
        query = list(dict.fromkeys(query))
        return [self.score(query, i, weights) for i in range(len(self._counts))]


def passage_terms(passage: Passage) -> list[str]:
    """What a passage is searched on: its text, its headings (weighted) and its source's title."""
    heading = terms(passage.heading) * HEADING_WEIGHT
    above = [t for h in passage.parents for t in terms(h)]
    return [
        *terms(passage.text),
        *heading,
        *above,
        *terms(passage.source.title),
        *span_terms(passage.spans),
    ]


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
    its owner whose last part is ("object.__init__" names `__init__`)."""
    return term in spoken or ("." in term and term.rsplit(".", 1)[1] in spoken)


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
    }
    share = sum(weights.get(t, 0.0) for t in found) / total
    spoken = asked | {a for t in query.judged for a in t.alternatives}
    precision = sum(1 for t in wholes if _names(t, spoken)) / len(wholes)
    return share * (1 - HEADING_PRECISION + HEADING_PRECISION * precision)


def focus_of(query: Query, weights: Mapping[str, float], heading: str, title: str) -> float:
    """`heading_focus` of what the heading announces (`heading_terms`), less when the question
    calls a name ("super()") that the heading documents as a plain attribute ("Class.super"):
    that is another thing of the same name."""
    focus = heading_focus(query, weights, heading_terms(heading, title))
    named = code_name(heading) if heading.strip() else None
    if focus and named is not None and "(" not in heading:
        last = named[0].rsplit(".", 1)[-1].casefold()
        if any(t.is_code and t.word == last for t in query.terms) and _CALLED.search(
            query.question
        ):
            return focus * ATTRIBUTE_FOCUS
    return focus


def idf_of(document_frequency: int, documents: int) -> float:
    """BM25's inverse document frequency; a term no document has weighs as one only one has."""
    df = max(document_frequency, 1)
    return math.log(1 + (max(documents, 1) - df + 0.5) / (df + 0.5))


def commonest_spelling(query: Query, bm25: Bm25) -> Callable[[str], str]:
    """For each query term, the spelling (itself or one of its other words) most passages use."""
    others = {t.term: t.alternatives for t in query.terms}

    def spelling(term: str) -> str:
        return max((term, *others.get(term, ())), key=bm25.document_frequency)

    return spelling


def term_weights(
    query: Query, idf: Callable[[str], float], present: Callable[[str], bool] | None = None
) -> dict[str, float]:
    """Each query term's weight: its rarity (`idf`) times its factor (parts, numbers and an
    earlier question's terms count less). A term no document has (`present` says which do)
    weighs at most ABSENT_WEIGHT times the rarest one some document has: it may be a word
    the documents put otherwise, but more often it is what the question is about and the
    documents never mention ("pivot table in Excel"), so one rare word beside it does not
    cover the question; two do."""
    rarity = {t.term: idf(t.term) for t in query.terms}
    if present is not None:
        seen = [rarity[t.term] for t in query.terms if present(t.term)]
        if seen:
            cap = ABSENT_WEIGHT * max(seen)
            rarity = {t: w if present(t) else min(w, cap) for t, w in rarity.items()}
    return {t.term: rarity[t.term] * t.factor for t in query.terms}


@dataclass(frozen=True)
class Coverage:
    """How much of the question one passage holds (`share` of the weighted terms) and whether
    that is enough (`is_covered`: the share, and the rarest terms among them)."""

    share: float
    has_rarest: bool  # holds at least one of the question's rarest terms
    matched: frozenset[str]
    needed: int = 1  # how many of the question's terms it must hold at least

    @property
    def is_covered(self) -> bool:
        return self.has_rarest and self.share >= COVERED_SHARE and len(self.matched) >= self.needed


NO_COVERAGE = Coverage(0.0, False, frozenset())


def rarest_terms(
    query: Query, weights: Mapping[str, float], present: Collection[str] | None = None
) -> frozenset[str]:
    """The question's rarest judged terms that the collection has (`present`, when known):
    those weighing within RAREST_SHARE of the heaviest. A term no document has is not among
    them: it already lowers every passage's share."""
    own = [t for t in query.judged if not t.is_context] or list(query.judged)
    judged = [t.term for t in own if present is None or t.term in present]
    if not judged:
        return frozenset()
    top = max(weights.get(t, 0.0) for t in judged)
    return frozenset(t for t in judged if weights.get(t, 0.0) >= RAREST_SHARE * top)


def coverage_of(
    query: Query, weights: Mapping[str, float], found: Collection[str], rarest: frozenset[str]
) -> Coverage:
    """The coverage of a passage whose terms (text, headings and title) are `found`, given the
    question's `rarest_terms`."""
    judged = query.judged
    total = sum(weights.get(t.term, 0.0) for t in judged)
    if not judged or total <= 0:
        return NO_COVERAGE
    matched = frozenset(t.term for t in judged if t.is_in(found))
    share = sum(weights.get(t, 0.0) for t in matched) / total
    # One word of a question of several is a coincidence, however rare the word.
    own = {t.term for t in judged if not t.is_context}
    return Coverage(share, bool(rarest & matched), matched, needed=min(2, len(own)))


def best_coverage(
    query: Query, weights: Mapping[str, float], passages: Sequence[Passage]
) -> tuple[Coverage, int]:
    """The passage covering the question best, and its coverage ((NO_COVERAGE, -1) for none)."""
    held = [frozenset(passage_terms(p)) for p in passages]
    everything = frozenset().union(*held)
    rarest = rarest_terms(
        query, weights, present={t.term for t in query.terms if t.is_in(everything)}
    )
    best, at = NO_COVERAGE, -1
    for i, terms_held in enumerate(held):
        found = coverage_of(query, weights, terms_held, rarest)
        if (found.is_covered, found.share) > (best.is_covered, best.share):
            best, at = found, i
    return best, at


def combined_score(bm25_share: float, coverage: Coverage, focus: float, part: int) -> float:
    """How well a passage answers, for ranking: its BM25 score (as a share of the best), how
    much of the question it holds, how much its heading names (counting fully at the opening
    of the heading's section, half past it), and a bonus when it covers the question."""
    opening = 1.0 if part == 0 else LATER_PART_FOCUS
    return (
        (1 - COVERAGE_WEIGHT) * bm25_share
        + COVERAGE_WEIGHT * coverage.share
        + HEADING_FOCUS * focus * opening
        + (COVERED_BONUS if coverage.is_covered else 0.0)
    )


def rank_passages(
    question: str | Query,
    passages: Sequence[Passage],
    *,
    limit: int | None = None,
    weights: Mapping[str, float] | None = None,
) -> list[Passage]:
    """The passages sharing a term with the question, best first, `score` set to
    `combined_score` (BM25 over `passages` themselves, then coverage and heading focus).

    The statistics (how rare each word is) come from `passages` unless `weights` are given,
    so pass every candidate at once. Ties keep their input order.
    """
    query = question if isinstance(question, Query) else analyse_question(question)
    if not query or not passages:
        return []
    held = [passage_terms(p) for p in passages]
    bm25 = Bm25(held)
    if weights is None:
        unseen = math.log(1 + (len(passages) - 0.5) / 1.5)
        spelling = commonest_spelling(query, bm25)
        weights = term_weights(
            query,
            lambda t: bm25.idf(spelling(t)) or unseen,
            present=lambda t: bm25.document_frequency(spelling(t)) > 0,
        )
    raw = bm25.scores(query.search_terms, query.factors())
    top = max(raw, default=0.0) or 1.0
    spelt = commonest_spelling(query, bm25)
    present = frozenset(t.term for t in query.terms if bm25.document_frequency(spelt(t.term)))
    rarest = rarest_terms(query, weights, present)
    scored: list[tuple[float, int]] = []
    for i, score in enumerate(raw):
        if score <= 0:
            continue
        coverage = coverage_of(query, weights, frozenset(held[i]), rarest)
        focus = focus_of(query, weights, passages[i].heading, passages[i].source.title)
        scored.append((combined_score(score / top, coverage, focus, passages[i].part), i))
    scored.sort(key=lambda item: (-item[0], item[1]))
    if limit is not None:
        scored = scored[:limit]
    return [replace(passages[i], score=round(s, 6)) for s, i in scored]
