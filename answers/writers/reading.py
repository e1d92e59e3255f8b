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
- for a question built on a premise ("why does range(1, 10) include 10?"), a
  sentence saying "not" or "never" of what it asks (`premise`);
- demoted: sentences of an API entry for another name than the one the
  question writes as code ("range()" asked, "random.uniform(a, b)" found),
  which use that name only as a word in passing; signature lines and bare
  code, sentences leaning on the one before ("It does so too."), and later
  sentences of a paragraph.

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

from answers.evidence import Passage
from answers.ingest.names import code_name
from answers.ingest.table_rows import CELL_SEPARATOR, defined_name, documented_module
from answers.ingest.words import STOP_WORDS, stem, terms, words
from answers.ranking.bm25 import Bm25, commonest_spelling, passage_terms, term_weights
from answers.ranking.coverage import Coverage, best_coverage, rarest_terms
from answers.ranking.headings import announced_terms, focus_of
from answers.ranking.question import Query, QuestionTerm, analyse_question
from answers.writers.premise import has_premise, negates
from answers.writers.quotable import Sentence, defines, quotable_sentences

__all__ = ["Reading", "read_passages"]

ARRIVAL_WEIGHT = 0.7  # how much the caller's order (its ranking) counts against our own BM25
ARRIVAL_DECAY = 2.0  # the passage at this position gets half the arrival credit of the first
CONTEXT_SCORE = -1.0  # below every sentence of a relevant passage
CONTEXT_ORDER = 0.001
CONTEXT_RELEVANCE = 1e-6
OVERLAP_WEIGHT = 0.2  # a sentence's score: the share of the question it (with its headings) holds
OWN_WEIGHT = 0.4  # ...the share it holds in its own words
RELEVANCE_WEIGHT = 0.8  # ...and how relevant its passage is
FOCUS_BONUS = (
    0.35  # the opening of a passage whose heading (or, at an opening, title) is the question
)
OPENING_SENTENCES = 2  # how many sentences under a heading count as its opening
DEFINITION_BONUS = 0.2  # "X is...", "X returns..." about an asked term (or under X's heading)
SQUARE_FOCUS = 0.95  # a heading this focused names just what was asked ("decorator", "zip()")
WHOLE_QUESTION_BONUS = 0.1  # holds every term of a question of several
RAREST_BONUS = 0.15  # holds the question's rarest term
CONTRADICTION_BONUS = 0.25  # says "not"/"never" of what a question built on a premise asks
# A passage documenting another API entry than the name the question writes as code
# ("range()" asked, "random.uniform(a, b)" found): its relevance counts this much.
OTHER_ENTRY_RELEVANCE = 0.5
_IDENTIFIER = re.compile(r"[^\W\d]\w*(?:\.\w+)*")
# "Token value for ':='.", "Return a // b.": a sentence adding at most this many words to its
# API entry's name (symbols aside) restates the name and explains nothing...
RESTATING_WORDS = 1
RESTATING_PENALTY = 0.4  # ...so any sentence that explains leads before it


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


def _asked_names(query: Query) -> frozenset[str]:
    """The names the question writes as code ("range()", "collections.namedtuple"), and the
    last part of each dotted one: what it asks about, by name."""
    found: set[str] = set()
    for t in query.judged:
        if t.is_code and _IDENTIFIER.fullmatch(t.term):
            found.update((t.term, t.term.rsplit(".", 1)[-1]))
    return frozenset(found)


def _documents_another_name(passage: Passage, names: frozenset[str]) -> bool:
    """Whether the passage is an API entry for a name the question does not ask about: the
    question's name in its sentences is a word in passing ("in the range [start, end]")."""
    named = code_name(passage.heading) if names and passage.heading.strip() else None
    return named is not None and not names.intersection(terms(named[0]))


def _without_names(
    sentence: Sentence,
    asked: Sequence[QuestionTerm],
    names: frozenset[str],
    weights: Mapping[str, float],
    judged_weight: float,
) -> Sentence:
    """The sentence holding none of the question's names (see `_documents_another_name`)."""
    passing = frozenset(t.term for t in asked if t.term in names and t.is_in(sentence.terms))
    if not passing:
        return sentence
    share = sum(weights.get(t, 0.0) for t in passing) / judged_weight
    return replace(
        sentence,
        terms=sentence.terms - passing,
        own=max(sentence.own - share, 0.0),
        overlap=max(sentence.overlap - share, 0.0),
    )


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
    names = _asked_names(query)
    premise = has_premise(question)
    for i in relevant:
        announced = frozenset(announced_terms(passages[i]))
        elsewhere = _documents_another_name(passages[i], names)
        weight = RELEVANCE_WEIGHT * (OTHER_ENTRY_RELEVANCE if elsewhere else 1.0)
        # An API entry's heading names it; a heading of words is what its sentences explain.
        entry = code_name(passages[i].heading) is not None
        headed = frozenset(terms(passages[i].heading)) if entry else frozenset()
        for sentence in quotable_sentences(i, passages[i], query, weights, fragments=True):
            if elsewhere:  # the asked name, in another entry's sentence, is a word in passing
                sentence = _without_names(sentence, asked, names, weights, judged_weight)
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
                + weight * relevance[i]
                + sentence.score
            )
            if len(asked) > 1 and all(t.is_in(sentence.terms) for t in asked):
                score += WHOLE_QUESTION_BONUS  # every word of the question, in one sentence
            holds_rarest = any(t.term in rarest and t.is_in(sentence.terms) for t in asked)
            if holds_rarest:
                score += RAREST_BONUS
            if defines(sentence.text, asked_terms):
                score += DEFINITION_BONUS
            if premise and sentence.own > 0 and negates(sentence.text):
                score += CONTRADICTION_BONUS  # "why does X include 10?": "...is never part of"
            if entry and _restates(sentence.text, headed):
                score -= RESTATING_PENALTY
            # Kept apart: sections are chosen for what their sentences say, not for where
            # they stand.
            standing = OWN_WEIGHT * (own - sentence.own)
            if opening and sentence.position < OPENING_SENTENCES:
                standing += FOCUS_BONUS * focus[i]
            # "namedtuple() | factory function for ...": the row's name heads its definition.
            row_focus = _row_focus(sentence.text, passages[i].source.title, query, weights, names)
            if row_focus:
                standing += FOCUS_BONUS * row_focus
                if row_focus >= SQUARE_FOCUS and not defines(sentence.text, asked_terms):
                    standing += DEFINITION_BONUS
            if speaks is not None and focus[i] >= SQUARE_FOCUS:
                if not holds_rarest and any(t.term in rarest and t.is_in(speaks) for t in asked):
                    standing += RAREST_BONUS
                if not defines(sentence.text, asked_terms):
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
            for sentence in quotable_sentences(i, passage, query, weights):
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


def _row_focus(
    text: str, title: str, query: Query, weights: Mapping[str, float], names: frozenset[str]
) -> float:
    """How squarely the name a definition row defines ("namedtuple() | factory function ...")
    names the question: fully when the question writes it as code, qualified by its page's
    module (collections.namedtuple) or not, else only when it names just what was asked
    ("deque" for "what is a deque")."""
    name = defined_name(text) if CELL_SEPARATOR in text else None
    module = documented_module(title)
    if name is None or module is None:
        return 0.0
    member = name.removesuffix("()").removesuffix("[]")
    elsewhere = any(n.endswith(f".{member}") for n in names if n != f"{module}.{member}")
    if f"{module}.{member}" in names or (member in names and not elsewhere):
        return 1.0  # asked by name, and not as another module's member
    focus = focus_of(query, weights, name, "")
    return focus if focus >= SQUARE_FOCUS else 0.0


def _restates(text: str, known: frozenset[str]) -> bool:
    """Whether a sentence adds no more than RESTATING_WORDS words to what is `known` (its
    entry's name): "Token value for ':='." under `token.COLONEQUAL`."""
    new = {
        w
        for w in words(text)
        if len(w) > 1 and not w.isdigit() and w not in STOP_WORDS and stem(w) not in known
    }
    return len(new) <= RESTATING_WORDS
