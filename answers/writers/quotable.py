"""The quotable sentences of a passage, each with its terms and what it owes to its form.

A sentence is quotable when it is long enough to say something and short
enough to read; signature lines and bare code, version notes, sentences
leaning on the one before ("It does so too.") and later sentences of a
paragraph are demoted. A sentence ending in a colon travels with the code
block that follows it; the rest (lead-ins to lists, "Single-thread.") are
fragments, quoted only inside a stretch of sentences.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from answers.evidence import CodeBlock, Passage
from answers.ingest.sentences import sentence_spans
from answers.ingest.table_rows import row_names
from answers.ingest.words import span_terms, terms, words
from answers.ranking.question import Query

__all__ = [
    "MIN_CLAIM_WORDS",
    "Sentence",
    "defines",
    "is_quotable",
    "is_signature",
    "leans_on_context",
    "quotable_sentences",
]

MIN_CLAIM_WORDS = 4
MAX_CLAIM_CHARS = 600
MAX_CODE_CHARS = 1500  # a longer code block stays in its source: a report is not a listing
MAX_CODE_LINES = 30
POSITION_PENALTY = 0.03  # later sentences of a paragraph say its point less often
LINE_PENALTY = 0.02  # ...and so do later paragraphs of a passage
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


def defines(text: str, asked: frozenset[str]) -> bool:
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


def quotable_sentences(
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
        # "namedtuple() | factory function ..." on collections' page says collections.namedtuple.
        found = frozenset(terms(" ".join((quote, *row_names(quote, passage.source.title)))))
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
