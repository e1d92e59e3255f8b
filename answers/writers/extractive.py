"""The extractive writer: a full report quoted, word for word, from the best passages.

It never writes a claim of its own. Summary and section claims are sentences
(or runs of adjacent sentences) cut from the passage they cite, so every
claim can be found verbatim in its source. Around them it writes only what it
can compute: headings from the documents' own headings (or the question's
words they mention), limitations from what the passages do and do not cover,
and follow-up questions from the headings of passages it did not use.

When the passages do not cover the question (too few of its words, too few
sentences to quote) it returns the honest "not covered" report: no sources,
no sections, and uncited claims saying so. Any backend can call it: the
corpus backend with passages from local documents, the web research backend
with passages from fetched pages when no LLM is configured. Same input, same
output: nothing here depends on time, randomness or hash order.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from answers.evidence import Passage
from answers.model import (
    MAX_FOLLOW_UPS,
    MAX_SECTIONS,
    MIN_FOLLOW_UPS,
    Draft,
    DraftClaim,
    DraftSection,
    DraftSource,
    EngineInfo,
)
from answers.writers.follow_ups import (
    MAX_FOLLOW_UP_CHARS,
    clean_heading,
    is_vague,
    pick_follow_ups,
)
from answers.writers.reading import Reading, Sentence, read_passages

__all__ = ["MIN_COVERAGE", "write_extractive"]

MIN_COVERAGE = 0.55  # the weighted share of the question's terms the passages must mention
# The writer's own floor until it learns to write a report as long as its evidence (issue 9).
MIN_SECTIONS = 3
MIN_SENTENCES = MIN_SECTIONS  # one quotable sentence per section at the very least
MIN_SUMMARY_CLAIMS = 2
MAX_SUMMARY_CLAIMS = 4
MAX_CLAIMS_PER_SECTION = 3
SUMMARY_DIVERSITY = 0.3  # MMR: how much a sentence's likeness to those already picked counts
SAME_PASSAGE_LIKENESS = 0.3  # two sentences of one passage count as this alike, at least
SUMMARY_CUTOFF = 0.5  # past the minimum, stop when a candidate scores under this share of the best
LEAD_FOCUS = 0.75  # a passage whose heading holds this much of the question: its opening leads
LEAD_SENTENCES = 2
LEAD_STRENGTH = 0.75  # ...and whose best sentence scores this share of the best sentence overall
SECTION_FLOOR = 0.6  # past the minimum, a section's best sentence scores this share of the best
SECTION_SPREAD = 0.25  # a section quotes sentences within this score of its best one
MAX_HEADING_CHARS = 120
MAX_TITLE_IN_HEADING = 60
FALLBACK_HEADING = "What the sources say"

_LETTERS = re.compile(r"[^\W\d_]+")
_MID_SENTENCE_NAME = re.compile(r"(?<=[a-z,;] )([A-Z][a-z]+)")


@dataclass
class _Group:
    """Relevant passages under one heading of one source: the makings of a section."""

    heading: str
    url: str
    passages: list[int]
    sentences: list[Sentence] = field(default_factory=list)
    part: int = 1

    @property
    def score(self) -> float:
        return max((s.score for s in self.sentences), default=0.0)


def write_extractive(
    question: str,
    passages: Sequence[Passage],
    *,
    engine: EngineInfo,
    documents_searched: int,
    notes: Sequence[str] = (),
    extra_terms: Sequence[str] = (),
) -> Draft:
    """A report quoted from `passages` (ranked best first); see the module docstring.

    `documents_searched` is how many documents or pages were searched (for the limitations);
    `notes` are extra limitations from the caller, e.g. "3 pages could not be fetched";
    `extra_terms` join the question's terms in reading the passages (a follow-up's context).
    """
    reading = read_passages(question, passages, extra_terms=extra_terms)
    if len(reading.sentences) < MIN_SENTENCES:  # a short answer, with its sources' context
        reading = reading.with_context()
    if not _is_answerable(reading):
        return _not_covered(reading, engine=engine, documents=documents_searched, notes=notes)
    summary = _pick_summary(reading)
    used = {s.text for s in summary}  # by text: two pages may carry the same sentence
    in_sections: set[str] = set()
    groups = _groups(reading)
    sections = _pick_sections(groups, used)
    section_claims: list[tuple[str, list[list[Sentence]]]] = []
    headings: list[str] = []
    for group in sections:
        runs = _section_runs(group, used, in_sections)
        quoted = {s.text for run in runs for s in run}
        used |= quoted
        in_sections |= quoted
        title = passages[group.passages[0]].source.title
        heading = _unique(_section_heading(group, reading), headings, group, title)
        headings.append(heading)
        section_claims.append((heading, runs))

    sources: dict[str, int] = {}
    draft_sources: list[DraftSource] = []

    def claim(run: list[Sentence]) -> DraftClaim:
        passage = passages[run[0].passage]
        index = sources.get(passage.source.url)
        if index is None:
            index = sources[passage.source.url] = len(draft_sources)
            draft_sources.append(passage.source)
        return DraftClaim(text=passage.text[run[0].start : run[-1].end], cites=(index,))

    summary_claims = tuple(claim([s]) for s in summary)
    draft_sections = tuple(
        DraftSection(heading=heading, claims=tuple(claim(run) for run in runs))
        for heading, runs in section_claims
    )
    unused = [g.heading for g in groups if g not in sections]
    return Draft(
        summary=summary_claims,
        sections=draft_sections,
        limitations=_limitations(reading, draft_sources, documents_searched, notes),
        sources=tuple(draft_sources),
        follow_ups=_follow_ups(reading, unused, asked=[g.heading for g in sections]),
        engine=engine,
    )


# --- deciding -------------------------------------------------------------------------


def _is_answerable(reading: Reading) -> bool:
    return (
        bool(reading.terms)
        and reading.coverage >= MIN_COVERAGE
        and any(s.overlap > 0 for s in reading.sentences)
        and len(reading.sentences) >= MIN_SENTENCES
    )


# --- the summary ----------------------------------------------------------------------


def _likeness(a: Sentence, b: Sentence) -> float:
    union = a.terms | b.terms
    overlap = len(a.terms & b.terms) / len(union) if union else 0.0
    return max(overlap, SAME_PASSAGE_LIKENESS) if a.passage == b.passage else overlap


def _lead_sentences(reading: Reading) -> list[Sentence]:
    """The opening sentences of the most relevant passage whose heading (or, at a document's
    opening, title) is the question, if any: a text's own opening sums it up best."""
    order = reading.relevant()
    top = max((s.score for s in reading.sentences), default=0.0)
    best_in: dict[int, float] = {}
    for sentence in reading.sentences:
        best_in[sentence.passage] = max(
            best_in.get(sentence.passage, sentence.score), sentence.score
        )
    for _, i in sorted(enumerate(order), key=lambda item: (-reading.focus[item[1]], item[0])):
        if reading.focus[i] >= LEAD_FOCUS and best_in.get(i, 0.0) >= LEAD_STRENGTH * top:
            opening = [s for s in reading.sentences if s.passage == i and not s.is_dependent]
            return sorted(opening, key=lambda s: s.start)[:LEAD_SENTENCES]
    return []


def _pick_summary(reading: Reading) -> list[Sentence]:
    """The opening of the document that is about the question, then the best sentences that say
    different things (maximal marginal relevance)."""
    independent = [s for s in reading.sentences if not s.is_dependent]
    pool = independent if len(independent) >= MIN_SUMMARY_CLAIMS else list(reading.sentences)
    candidates = sorted(pool, key=lambda s: (-s.score, s.passage, s.start))
    rank = {(s.passage, s.start): n for n, s in enumerate(candidates)}
    picked = [s for s in _lead_sentences(reading) if s in candidates]
    distinct = len({s.text for s in reading.sentences})
    limit = min(MAX_SUMMARY_CLAIMS, max(MIN_SUMMARY_CLAIMS, distinct - MIN_SECTIONS))
    while len(picked) < limit:
        quoted = {p.text for p in picked}
        candidates = [s for s in candidates if s not in picked and s.text not in quoted]
        if not candidates:
            break
        best = max(
            candidates,
            key=lambda s: (
                (1 - SUMMARY_DIVERSITY) * s.score
                - SUMMARY_DIVERSITY * max((_likeness(s, p) for p in picked), default=0.0),
                -rank[(s.passage, s.start)],
            ),
        )
        top = max(p.score for p in picked) if picked else best.score
        if len(picked) >= MIN_SUMMARY_CLAIMS and best.score < SUMMARY_CUTOFF * top:
            break
        picked.append(best)
    # Read sentences of one passage in their own order, passages in the order first picked.
    first_pick = {s.passage: n for n, s in reversed(list(enumerate(picked)))}
    return sorted(picked, key=lambda s: (first_pick[s.passage], s.start))


# --- sections -------------------------------------------------------------------------


def _groups(reading: Reading) -> list[_Group]:
    """Relevant passages grouped by (source, heading), best first; at least MIN_SECTIONS of them
    when there are enough sentences, by splitting the largest groups."""
    by_key: dict[tuple[str, str], _Group] = {}
    for i in reading.relevant():
        passage = reading.passages[i]
        heading = clean_heading(passage.heading)
        key = (passage.source.url, heading.casefold())
        by_key.setdefault(key, _Group(heading, passage.source.url, [])).passages.append(i)
    per_passage: dict[int, list[Sentence]] = {}
    for sentence in reading.sentences:
        per_passage.setdefault(sentence.passage, []).append(sentence)
    groups: list[_Group] = []
    for group in by_key.values():
        group.sentences = [s for i in group.passages for s in per_passage.get(i, [])]
        groups.append(group)
    groups.sort(key=lambda g: (-g.score, g.passages[0]))
    with_sentences = [g for g in groups if g.sentences]
    without = [g for g in groups if not g.sentences]
    while len(with_sentences) < MIN_SECTIONS:
        splittable = [g for g in with_sentences if len(g.sentences) >= 2]
        if not splittable:
            break
        largest = max(splittable, key=lambda g: (len(g.sentences), -with_sentences.index(g)))
        at = with_sentences.index(largest)
        with_sentences[at : at + 1] = [g for g in _split(largest) if g.sentences]
    return with_sentences + without


def _pick_sections(groups: list[_Group], used: set[str]) -> list[_Group]:
    """The strong groups (best first) with something the summary has not quoted, 3 to 8 of them;
    weaker or already-quoted groups only when needed to reach three."""
    quotable = [g for g in groups if g.sentences]
    best = quotable[0].score if quotable else 0.0
    strong = [
        g
        for g in quotable
        if g.score >= SECTION_FLOOR * best and any(s.text not in used for s in g.sentences)
    ]
    picked = strong[:MAX_SECTIONS]
    for group in quotable:
        if len(picked) >= MIN_SECTIONS:
            break
        if group not in picked:
            picked.append(group)
    return sorted(picked, key=quotable.index)


def _split(group: _Group) -> list[_Group]:
    """Two groups: by passage when it has several, else its sentences in two halves."""
    if len(group.passages) >= 2:
        first = group.passages[:1]
        rest = group.passages[1:]
        head = [s for s in group.sentences if s.passage in first]
        tail = [s for s in group.sentences if s.passage in rest]
    else:
        first = rest = group.passages
        middle = (len(group.sentences) + 1) // 2
        head, tail = group.sentences[:middle], group.sentences[middle:]
    return [
        _Group(group.heading, group.url, first, head, group.part),
        _Group(group.heading, group.url, rest, tail, group.part + 1),
    ]


def _section_runs(group: _Group, used: set[str], in_sections: set[str]) -> list[list[Sentence]]:
    """The group's best sentences not quoted yet (else its best one no other section quotes), in
    reading order, adjacent ones joined into one claim."""
    pool = sorted(
        group.sentences, key=lambda s: (-s.score, group.passages.index(s.passage), s.start)
    )
    fresh = [s for s in pool if s.text not in used]
    floor = (fresh or pool)[0].score - SECTION_SPREAD
    spare = [s for s in pool if s.text not in in_sections] or pool
    chosen = [s for s in fresh if s.score >= floor][:MAX_CLAIMS_PER_SECTION] or spare[:1]
    for sentence in list(chosen):  # a sentence leaning on the one before it brings that one along
        if sentence.is_dependent:
            before = [
                s
                for s in group.sentences
                if s.passage == sentence.passage
                and s.line == sentence.line
                and s.position == sentence.position - 1
            ]
            chosen.extend(s for s in before if s not in chosen)
    chosen.sort(key=lambda s: (group.passages.index(s.passage), s.start))
    runs: list[list[Sentence]] = []
    for sentence in chosen:
        last = runs[-1][-1] if runs else None
        if (
            last is not None
            and last.passage == sentence.passage
            and last.line == sentence.line
            and last.position + 1 == sentence.position
        ):
            runs[-1].append(sentence)
        else:
            runs.append([sentence])
    return runs


def _join_words(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return cut.rstrip(" ,;:") + "…"


def _topic(group: _Group, reading: Reading) -> str:
    """The question's words this group mentions (rarest first), else its most frequent words."""
    mentioned = frozenset().union(*(s.terms for s in group.sentences))
    asked = sorted(
        (t for t in reading.matched if t.term in mentioned),
        key=lambda t: (-reading.weights[t.term], reading.terms.index(t)),
    )
    if asked:
        return _join_words([t.word for t in asked[:3]])
    counts: Counter[str] = Counter()
    for sentence in group.sentences:
        counts.update(w.casefold() for w in _LETTERS.findall(sentence.text) if len(w) > 3)
    return _join_words([w for w, _ in counts.most_common(3)])


def _section_heading(group: _Group, reading: Reading) -> str:
    """The document's own heading for the group; for its opening, its title; else the title and
    what the group says about the question."""
    source = reading.passages[group.passages[0]].source
    title = _shorten(" ".join(source.title.split()), MAX_TITLE_IN_HEADING)
    heading = group.heading
    if heading and not is_vague(heading):
        return _shorten(heading, MAX_HEADING_CHARS)
    topic = _topic(group, reading) if heading else ""  # a page's opening is what its title says
    named = f"{title}: {topic}" if title and topic else title
    # A source with a blank title must not leave a blank heading (the report would not validate).
    return _shorten(named or _topic(group, reading) or FALLBACK_HEADING, MAX_HEADING_CHARS)


def _unique(heading: str, taken: list[str], group: _Group, title: str) -> str:
    """The heading, told apart from those already taken: by its source, then as a continuation."""
    if heading not in taken:
        return heading
    short = _shorten(" ".join(title.split()), MAX_TITLE_IN_HEADING)
    candidates = [] if short.casefold() in heading.casefold() else [f"{heading} ({short})"]
    candidates.append(f"{heading}, continued")
    candidates += [
        f"{heading}, part {n}" for n in range(group.part + 1, group.part + MAX_SECTIONS + 2)
    ]
    for candidate in candidates:
        candidate = _shorten(candidate, MAX_HEADING_CHARS)
        if candidate not in taken:
            return candidate
    return _shorten(f"{heading} #{len(taken) + 1}", MAX_HEADING_CHARS)


# --- limitations ------------------------------------------------------------------------


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _quoted(words: Iterable[str], *, last: str = "or") -> str:
    items = [f"“{w}”" for w in words]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {last} " + items[-1]


def _absence(documents: int) -> DraftClaim:
    where = f"these {_count(documents, 'document')}" if documents else "these documents"
    return DraftClaim(
        f"That something is missing from {where} is not evidence that it is false; "
        "it only means they do not say."
    )


def _limitations(
    reading: Reading, cited: Sequence[DraftSource], documents: int, notes: Sequence[str]
) -> tuple[DraftClaim, ...]:
    lines: list[str] = []
    if reading.missing:
        words = [t.word for t in reading.missing]
        lines.append(
            f"No passage found mentions {_quoted(words)}, so this report says nothing about "
            f"{'it' if len(words) == 1 else 'them'}."
        )
    bearing = len({reading.passages[i].source.url for i in reading.relevant()})
    lines.append(
        f"Searched {_count(documents, 'document')}; {bearing} "
        f"{'mentions' if bearing == 1 else 'mention'} some of the question's words and "
        f"{len(cited)} {'is' if len(cited) == 1 else 'are'} quoted here."
    )
    if len(cited) == 1:
        lines.append("Every quote comes from one document, so no second source confirms it.")
    dated = sorted(s.published for s in cited if s.published is not None)
    if dated:
        span = (
            dated[0].isoformat()
            if dated[0] == dated[-1]
            else (f"{dated[0].isoformat()} to {dated[-1].isoformat()}")
        )
        undated = len(cited) - len(dated)
        lines.append(
            f"The quoted sources are dated {span}"
            + (f"; {_count(undated, 'source')} carry no date." if undated else ".")
        )
    lines.append(
        "Each claim is quoted word for word from its source; the sources themselves were not "
        "checked against anything else."
    )
    lines.extend(note.strip() for note in notes if note.strip())
    return (*(DraftClaim(line) for line in lines), _absence(documents))


# --- follow-ups -------------------------------------------------------------------------


def _is_common_word(passages: Sequence[Passage]) -> Callable[[str], bool]:
    """Whether a word is ordinary (lower case when a heading opens with it): never seen
    capitalised in mid-sentence, where names are ("Slack", "Redis")."""
    names: set[str] = set()
    for passage in passages:
        names.update(w.casefold() for w in _MID_SENTENCE_NAME.findall(passage.text))
    return lambda word: word not in names


def _follow_ups(
    reading: Reading, unused: Sequence[str], *, asked: Sequence[str]
) -> tuple[str, ...]:
    """Questions from the headings of passages the report did not use (related ones first),
    then from the sources' titles, then from the question's own words."""
    passages = reading.passages
    relevant = reading.relevant()
    relevant_set = set(relevant)
    headings = [
        *unused,
        *(passages[i].heading for i in relevant),
        *(p.heading for i, p in enumerate(passages) if i not in relevant_set),
        *(p.source.title for p in passages),
    ]
    picked = pick_follow_ups(
        headings,
        asked=[reading.question, *asked],
        is_common_word=_is_common_word(passages),
        limit=MAX_FOLLOW_UPS,
    )
    for fallback in _fallback_follow_ups(reading):
        if len(picked) >= MIN_FOLLOW_UPS:
            break
        # A question of one 1000-letter word makes no follow-up anyone could read on a button.
        if fallback not in picked and len(fallback) <= MAX_FOLLOW_UP_CHARS:
            picked.append(fallback)
    return tuple(picked)


def _fallback_follow_ups(reading: Reading) -> list[str]:
    """When the documents offer too few headings: questions made of the question's own words."""
    words = [t.word for t in reading.terms]
    found: list[str] = []
    if words:
        found.append(f"What do other sources say about {_join_words(words[:4])}?")
        found.extend(f"Which sources mention {w}?" for w in words[:3])
    found += [
        "Which topics do these documents cover?",
        "Where could a better source for this question be found?",
        "How can more documents be added to the search?",
    ]
    return found


# --- not covered ----------------------------------------------------------------------


def _not_covered(
    reading: Reading, *, engine: EngineInfo, documents: int, notes: Sequence[str]
) -> Draft:
    """The honest report: the documents do not answer this, with nothing made up."""
    if documents == 0:
        first = "There were no documents to search, so this report has nothing to quote."
    elif documents == 1:
        first = (
            "The one document searched does not cover this question, so this report has "
            "nothing to quote."
        )
    else:
        first = (
            f"The {documents} documents searched do not cover this question, so this "
            "report has nothing to quote."
        )
    if not reading.terms:
        second = (
            "The question has only common words such as “what” or “is”, so there was "
            "nothing specific to search for."
        )
    elif reading.missing:
        second = f"No passage found mentions {_quoted(t.word for t in reading.missing)}."
    else:
        second = (
            f"The passages found mention {_quoted((t.word for t in reading.matched), last='and')} "
            "only in passing: too little to quote a sourced answer."
        )
    limitations: list[DraftClaim] = []
    relevant = reading.relevant()
    if relevant:
        closest = reading.passages[relevant[0]]
        heading = clean_heading(closest.heading)
        is_titled = heading and heading.casefold() != closest.source.title.strip().casefold()
        under = f", under “{heading}”" if is_titled else ""
        limitations.append(
            DraftClaim(
                f"The closest passage is in “{closest.source.title}” ({closest.source.url}){under}."
            )
        )
    limitations.extend(DraftClaim(n.strip()) for n in notes if n.strip())
    limitations.append(_absence(documents))
    return Draft(
        summary=(DraftClaim(first), DraftClaim(second)),
        sections=(),
        limitations=tuple(limitations),
        sources=(),
        follow_ups=_follow_ups(reading, (), asked=()),
        engine=engine,
    )
