"""What the extractive writer learns from the passages before it writes anything.

Which passages bear on the question (BM25 on their words, headings and
title, blended with the caller's ranking, which counts most), how much of the
question the best one covers (`answers.ranking.best_coverage`: the rarest
terms together in one passage, not scattered), and every quotable sentence
with its offsets and a score for how well it answers:

- the opening sentences under a heading that names what was asked (a
  document's own first words on a topic sum it up best); the first sentence
  of an entry speaks of what its heading names ("decorator" — "A function
  returning another function…"), and is its definition when the heading is
  just what was asked;
- definitional sentences ("X is…", "X returns…") about an asked term;
- sentences holding the question's rarest term, much of the question, or all
  of it together;
- demoted: signature lines and bare code, sentences leaning on the one
  before ("It does so too."), and later sentences of a paragraph.

A sentence ending in a colon is quoted only when a code block follows it in
its passage (the code travels with it, `Sentence.code`), or inside a stretch
that goes on into the list it introduces; such sentences, and those too
short to quote alone ("Single-thread."), are `Reading.fragments`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from answers.evidence import CodeBlock, Passage
from answers.ingest.sentences import sentence_spans
from answers.ranking import (
    Bm25,
    Coverage,
    Query,
    QuestionTerm,
    analyse_question,
    announced_terms,
    best_coverage,
    commonest_spelling,
    focus_of,
    passage_terms,
    rarest_terms,
    span_terms,
    term_weights,
    terms,
    words,
)

__all__ = ["Reading", "Sentence", "is_signature", "read_passages"]

MIN_CLAIM_WORDS = 4
MAX_CLAIM_CHARS = 600
MAX_CODE_CHARS = 1500  # a longer code block stays in its source: a report is not a listing
MAX_CODE_LINES = 30
ARRIVAL_WEIGHT = 0.7  # how much the caller's order (its ranking) counts against our own BM25
ARRIVAL_DECAY = 2.0  # the passage at this position gets half the arrival credit of the first
CONTEXT_SCORE = -1.0  # below every sentence of a relevant passage
CONTEXT_ORDER = 0.001
CONTEXT_RELEVANCE = 1e-6
OVERLAP_WEIGHT = 0.2  # a sentence's score: the share of the question it (with its headings) holds
OWN_WEIGHT = 0.4  # ...the share it holds in its own words
RELEVANCE_WEIGHT = 0.8  # ...and how relevant its passage is
POSITION_PENALTY = 0.03  # later sentences of a paragraph say its point less often
LINE_PENALTY = 0.02  # ...and so do later paragraphs of a passage
FOCUS_BONUS = (
    0.35  # the opening of a passage whose heading (or, at an opening, title) is the question
)
OPENING_SENTENCES = 2  # how many sentences under a heading count as its opening
DEFINITION_BONUS = 0.2  # "X is...", "X returns..." about an asked term (or under X's heading)
SQUARE_FOCUS = 0.95  # a heading this focused names just what was asked ("decorator", "zip()")
WHOLE_QUESTION_BONUS = 0.1  # holds every term of a question of several
RAREST_BONUS = 0.15  # holds the question's rarest term
DEPENDENT_PENALTY = 0.15  # "It does so too." means little once quoted on its own
SIGNATURE_PENALTY = 0.6  # "class collections.defaultdict(default_factory=None, /[, ...])"
BOILERPLATE_PENALTY = 0.3  # "New in version 3.2.", "See also"
DEPENDENT_OPENERS = frozenset(
    "it its this these those they them that such however therefore thus hence meanwhile also "
    "but and or so then otherwise instead still yet both either neither likewise similarly "
    "furthermore moreover additionally besides".split()
)
DEPENDENT_WORDS = frozenset("therefore thus hence above below aforementioned latter former".split())
BACK_REFERENCES = frozenset("it they them this these those he she him".split())
BACK_REFERENCE_REACH = 5  # "With no adapter named, it runs..." still leans on the sentence before
DEFINING_VERBS = frozenset(
    """
    is are was were means mean refers refer returns return returned provides provide creates
    create represents represent contains contain defines define describes describe denotes
    allows allow lets let makes make gives give holds hold stores store converts convert
    removes remove adds add raises raise checks check joins join splits split takes take
    computes compute generates generate yields yield produces produce behaves behave acts act
    works work evaluates evaluate tests test compares compare
    """.split()
)
_DETERMINERS = frozenset("the a an this that each every".split())
# A name, after a keyword or two at most ("class", "coroutine"), then its parameters.
_SIGNATURE = re.compile(r"^(?:[\w.]+\s+){0,2}[\w.]+\s*\(.*\)\s*(?:->\s*\S+)?\s*$")
_SENTENCE_END = (".", "!", "?", ".)", "!)", "?)")
_STATEMENT = re.compile(r"[=(]")  # a line ending in ";" with an assignment or a call
_CODE_CHARS = re.compile(r"[()\[\]{}=<>*/\\|_:;,.'\"`~^%$#@!+-]")
_VERSION_NOTE = re.compile(
    r"^(?:new in version|changed in version|deprecated since version|added in version)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Sentence:
    """A quotable sentence: `passages[passage].text[start:end]`."""

    passage: int
    line: int
    position: int  # index among the passage's sentences
    start: int
    end: int
    text: str
    terms: frozenset[str]
    overlap: float  # share of the question's (weighted) terms it and its headings mention, 0..1
    own: float  # share of the question's terms the sentence itself mentions, 0..1
    score: float
    is_dependent: bool  # points back at what came before (see `leans_on_context`)
    code: str | None = None  # the code block this sentence introduces, verbatim
    is_lead_in: bool = False  # ends in a colon: quotable only with its code
    # What `score` owes to where the sentence stands (an opening under a heading that names
    # the question) rather than to what it says.
    standing: float = 0.0
    is_fragment: bool = False  # not quotable alone ("Single-thread.", a lead-in to a list)
    ends_line: bool = False  # the last sentence of its paragraph
    code_follows: bool = False  # a code block follows its paragraph (quoted or not)


@dataclass(frozen=True)
class Reading:
    question: str
    query: Query
    passages: Sequence[Passage]
    weights: dict[str, float]
    relevance: tuple[float, ...]  # per passage, 0 for passages sharing no term with the question
    focus: tuple[float, ...]  # per passage, how much of the question its heading (or title) holds
    matched: tuple[QuestionTerm, ...]
    missing: tuple[QuestionTerm, ...]
    coverage: Coverage  # the best single passage's
    sentences: tuple[Sentence, ...]  # quotable sentences of the relevant passages
    context: tuple[Sentence, ...] = ()  # quotable sentences of the same sources' other passages
    # The rest of the relevant passages' sentences: quoted only inside a stretch of sentences
    # that are (a lead-in to a list, "Single-thread.").
    fragments: tuple[Sentence, ...] = ()

    @property
    def terms(self) -> tuple[QuestionTerm, ...]:
        return self.query.terms

    @property
    def is_covered(self) -> bool:
        return self.coverage.is_covered

    def with_context(self) -> Reading:
        """The same reading with the context sentences counted in (their passages last)."""
        relevance = list(self.relevance)
        for sentence in self.context:
            i = sentence.passage
            relevance[i] = CONTEXT_RELEVANCE / (1 + i)
        return replace(
            self, relevance=tuple(relevance), sentences=self.sentences + self.context, context=()
        )

    def relevant(self) -> list[int]:
        """Indexes of the passages that bear on the question, most relevant first."""
        order = [i for i, r in enumerate(self.relevance) if r > 0]
        return sorted(order, key=lambda i: (-self.relevance[i], i))


def is_quotable(text: str) -> bool:
    """Long enough to say something, short enough to read, and not a lead-in to a list."""
    return (
        len(text.split()) >= MIN_CLAIM_WORDS
        and len(text) <= MAX_CLAIM_CHARS
        and any(ch.isalpha() for ch in text)
        and not text.endswith((":", ","))
    )


def leans_on_context(text: str) -> bool:
    """True for a sentence that points back at what came before ("This means...", "...therefore")."""
    found = words(text)
    return bool(found) and (
        found[0] in DEPENDENT_OPENERS
        or any(w in BACK_REFERENCES for w in found[:BACK_REFERENCE_REACH])
        or any(w in DEPENDENT_WORDS for w in found)
    )


def is_signature(text: str) -> bool:
    """A line that reads as code, not prose: a call signature (`name(a, b=None)`), a statement
    ending in ";", or a line where symbols outnumber what few words there are."""
    stripped = text.strip()
    if stripped.endswith(";") and _STATEMENT.search(stripped):
        return True  # "PRAGMA case_sensitive_like = boolean;": a statement of code
    if stripped.endswith(_SENTENCE_END):
        return False
    if _SIGNATURE.match(stripped):
        return True
    letters = sum(ch.isalpha() for ch in stripped)
    symbols = len(_CODE_CHARS.findall(stripped))
    return symbols > 0.25 * max(letters, 1)


def _defines(text: str, asked: frozenset[str]) -> bool:
    """ "X is...", "The X returns...", "os.path.join() joins...": the sentence opens (after a
    determiner at most) with an asked term, and a defining verb follows within a few words."""
    found = terms(text)[:8]
    plain = words(text)[:8]
    start = 1 if plain and plain[0] in _DETERMINERS else 0
    if start >= len(found) or found[start] not in asked:
        return False
    return any(w in DEFINING_VERBS for w in plain[start + 1 : start + 5])


def _code_after(passage: Passage, line: int) -> CodeBlock | None:
    return next((c for c in passage.code if c.after == line), None)


def _is_short_code(code: CodeBlock) -> bool:
    return len(code.text) <= MAX_CODE_CHARS and code.text.count("\n") < MAX_CODE_LINES


def read_passages(
    question: str,
    passages: Sequence[Passage],
    *,
    query: Query | None = None,
    weights: Mapping[str, float] | None = None,
    extra_terms: Sequence[str] = (),
) -> Reading:
    """Read `passages` for `question`. `query` is the analysed question (else the question with
    `extra_terms`, an earlier question's key words, joining at lower weight); `weights` are its
    terms' weights from the whole collection searched, else they come from `passages`."""
    query = query or analyse_question(
        question, context=[" ".join(extra_terms)] if extra_terms else ()
    )
    searched = [passage_terms(p) for p in passages]
    bm25 = Bm25(searched)
    if weights is None:
        # A term no passage has weighs as much as one that only a single passage has, capped
        # at the rarest present term's weight (see `term_weights`).
        unseen = math.log(1 + (max(len(passages), 1) - 0.5) / 1.5)
        spelling = commonest_spelling(query, bm25)
        weights = term_weights(
            query,
            lambda t: bm25.idf(spelling(t)) or unseen,
            present=lambda t: bm25.document_frequency(spelling(t)) > 0,
        )
    weights = dict(weights)
    raw = bm25.scores(query.search_terms, query.factors()) if passages else []
    top = max(raw, default=0.0) or 1.0
    # The caller's ranking: passages it scored alike share a place.
    places = [sum(1 for q in passages if q.score > p.score) for p in passages]
    arrival = tuple(ARRIVAL_WEIGHT * ARRIVAL_DECAY / (ARRIVAL_DECAY + n) for n in places)
    relevance = tuple(
        (1 - ARRIVAL_WEIGHT) * score / top + arrival[i] if score > 0 else 0.0
        for i, score in enumerate(raw)
    )
    relevant = [i for i, r in enumerate(relevance) if r > 0]
    seen: set[str] = set()
    for i in relevant:
        seen.update(searched[i])
    asked = query.judged
    matched = tuple(t for t in asked if t.is_in(seen))
    missing = tuple(t for t in asked if not t.is_in(seen))
    coverage, _ = best_coverage(query, weights, [passages[i] for i in relevant])
    focus = tuple(focus_of(query, weights, p.heading, p.source.title) for p in passages)
    rarest = rarest_terms(query, weights, present={t.term for t in query.terms if t.is_in(seen)})
    asked_terms = frozenset(t.term for t in query.terms)
    sentences: list[Sentence] = []
    fragments: list[Sentence] = []
    judged_weight = sum(weights.get(t.term, 0.0) for t in asked) or 1.0
    for i in relevant:
        announced = frozenset(announced_terms(passages[i]))
        for sentence in _quotable(i, passages[i], query, weights, fragments=True):
            opening = sentence.line == 0 and not passages[i].part
            # An entry's first sentence speaks of what its heading names ("decorator: A function
            # returning another function..."), as far as the heading names the question.
            speaks = sentence.terms | announced if opening and sentence.position == 0 else None
            own = sentence.own
            if speaks is not None:
                said = sum(weights.get(t.term, 0.0) for t in asked if t.is_in(speaks))
                own += focus[i] * max(said / judged_weight - sentence.own, 0.0)
            score = (
                OVERLAP_WEIGHT * sentence.overlap
                + OWN_WEIGHT * sentence.own
                + RELEVANCE_WEIGHT * relevance[i]
                + sentence.score
            )
            if len(asked) > 1 and all(t.is_in(sentence.terms) for t in asked):
                score += WHOLE_QUESTION_BONUS  # every word of the question, in one sentence
            holds_rarest = any(t.term in rarest and t.is_in(sentence.terms) for t in asked)
            if holds_rarest:
                score += RAREST_BONUS
            if _defines(sentence.text, asked_terms):
                score += DEFINITION_BONUS
            # Kept apart: sections are chosen for what their sentences say, not for where
            # they stand.
            standing = OWN_WEIGHT * (own - sentence.own)
            if opening and sentence.position < OPENING_SENTENCES:
                standing += FOCUS_BONUS * focus[i]
            if speaks is not None and focus[i] >= SQUARE_FOCUS:
                if not holds_rarest and any(t.term in rarest and t.is_in(speaks) for t in asked):
                    standing += RAREST_BONUS
                if not _defines(sentence.text, asked_terms):
                    standing += DEFINITION_BONUS
            score += standing
            sentence = replace(sentence, standing=round(standing, 9))
            found = fragments if sentence.is_fragment else sentences
            found.append(replace(sentence, score=round(score, 9)))
    # Other passages of the same sources: quoted only when the relevant ones are too few.
    sources = {passages[i].source.url for i in relevant}
    context: list[Sentence] = []
    for i, passage in enumerate(passages):
        if relevance[i] == 0 and passage.source.url in sources:
            for sentence in _quotable(i, passage, query, weights):
                score = CONTEXT_SCORE + sentence.score - CONTEXT_ORDER * i
                context.append(replace(sentence, score=round(score, 9)))
    return Reading(
        question=question,
        query=query,
        passages=passages,
        weights=weights,
        relevance=relevance,
        focus=focus,
        matched=matched,
        missing=missing,
        coverage=coverage,
        sentences=tuple(sentences),
        context=tuple(context),
        fragments=tuple(fragments),
    )


def _quotable(
    index: int,
    passage: Passage,
    query: Query,
    weights: Mapping[str, float],
    *,
    fragments: bool = False,
) -> list[Sentence]:
    """The passage's quotable sentences (with `fragments`, its other sentences too, marked
    `is_fragment`); `score` holds only their own penalties so far."""
    text = passage.text
    judged = query.judged
    judged_weight = sum(weights.get(t.term, 0.0) for t in judged) or 1.0
    # What the passage's headings already say it is about: each sentence under them says it too.
    headed = frozenset(terms(" ".join((passage.heading, *passage.parents))))
    # Words the passage writes as code (`is`) count as code in the sentences that use them.
    as_code = {term[1:-1]: term for term in span_terms(passage.spans)}
    spans = sentence_spans(text)
    last_of_line = {span.line: n for n, span in enumerate(spans)}
    found_sentences: list[Sentence] = []
    for position, span in enumerate(spans):
        quote = text[span.start : span.end]
        code = _code_after(passage, span.line) if last_of_line[span.line] == position else None
        travels = code is not None and _is_short_code(code)
        is_lead_in = quote.endswith(":")
        is_fragment = False
        if is_lead_in and travels:
            if len(quote.split()) < 2 or len(quote) > MAX_CLAIM_CHARS:
                continue
        elif not is_quotable(quote):
            if not fragments or len(quote) > MAX_CLAIM_CHARS:
                continue
            is_fragment = True
        found = frozenset(terms(quote))
        if as_code:
            found |= {as_code[w] for w in words(quote) if w in as_code}
        with_headings = found | headed
        overlap = (
            sum(weights.get(t.term, 0.0) for t in judged if t.is_in(with_headings)) / judged_weight
        )
        own = sum(weights.get(t.term, 0.0) for t in judged if t.is_in(found)) / judged_weight
        # "This function..." opening an entry points at its heading, not at a sentence before.
        opens_entry = not passage.part and span.line == 0 and position == 0 and passage.heading
        is_dependent = leans_on_context(quote) and not opens_entry
        penalty = (
            POSITION_PENALTY * min(position, 5)
            + LINE_PENALTY * min(span.line, 5)
            + (DEPENDENT_PENALTY if is_dependent else 0.0)
            + (SIGNATURE_PENALTY if is_signature(quote) else 0.0)
            + (BOILERPLATE_PENALTY if _VERSION_NOTE.match(quote) else 0.0)
        )
        found_sentences.append(
            Sentence(
                passage=index,
                line=span.line,
                position=position,
                start=span.start,
                end=span.end,
                text=quote,
                terms=found,
                overlap=overlap,
                own=own,
                score=-penalty,
                is_dependent=is_dependent,
                code=code.text if code is not None and travels else None,
                is_lead_in=is_lead_in,
                is_fragment=is_fragment,
                ends_line=last_of_line[span.line] == position,
                code_follows=last_of_line[span.line] == position and code is not None,
            )
        )
    return found_sentences
