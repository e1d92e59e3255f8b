"""The extractive writer: a full report quoted, word for word, from the best passages.

It never writes a claim of its own. Summary and section claims are sentences
(or runs of adjacent sentences) cut from the passage they cite, so every
claim can be found verbatim in its source; a code block a quoted sentence
introduces travels with it (`DraftClaim.code`), verbatim too. Around them it
writes only what it can compute: headings from the documents' own headings,
limitations from what the passages do and do not cover, and follow-up
questions from the headings near the evidence in its documents.

A report is as long as its evidence: one clear fact makes a one-claim summary
and one section, never padding. The summary leads with the stretch that
answers; past it, a stretch must hold at least half as much of the question
(a passage sharing a word with it does not pad the summary). When no single passage covers the question
(its rarest terms together, see `answers.ranking`) it returns the honest
"not covered" report: no sources, no sections, and uncited claims saying so. Any backend can call it: the
corpus backend with passages from local documents, the web research backend
with passages from fetched pages when no LLM is configured. Same input, same
output: nothing here depends on time, randomness or hash order.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
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
from answers.ranking import (
    Query,
    QuestionTerm,
    announced_terms,
    content_terms,
    question_sides,
    terms,
    words,
)
from answers.writers.follow_ups import (
    MAX_FOLLOW_UP_CHARS,
    clean_heading,
    display_heading,
    is_vague,
    pick_follow_ups,
)
from answers.writers.reading import MIN_CLAIM_WORDS, Reading, Sentence, read_passages

__all__ = ["write_extractive"]

MIN_SUMMARY_CLAIMS = 1
MAX_SUMMARY_CLAIMS = 4
MAX_CLAIMS_PER_SECTION = 3
SUMMARY_DIVERSITY = 0.3  # MMR: how much a sentence's likeness to those already picked counts
SAME_PASSAGE_LIKENESS = 0.3  # two sentences of one passage count as this alike, at least
SUMMARY_OVERLAP_SHARE = 0.5  # past the first, a stretch holds this share of the question it held
SIDE_CUTOFF = 0.3  # ...or this share, for a stretch saying a side of "X vs Y" not said yet
SUMMARY_CUTOFF = 0.5  # past the minimum, stop when a candidate scores under this share of the best
SECTION_SPREAD = 0.45  # a section's best sentence scores within this of the best group's
SOURCE_FLOOR = 0.85  # sections come from sources whose best group scores this share of the best
SUMMARY_RUN_CHARS = 400  # a summary claim quotes up to this much of one paragraph
FRAGMENT_DISCOUNT = 0.1  # a lead-in's score, less this, stands for the stretch it opens
LIST_REACH = 5  # a lead-in to a list reaches this many paragraphs on, for the item that answers
MAX_SUMMARY_CHARS = 1000  # past the first claim, the summary stops growing here
WINDOW_GAIN = 0.3  # a stretch's score gains this for the question's words its others add
WINDOW_LENGTH_COST = 0.03
SUMMARY_SHARE_OF_EVIDENCE = 0.5  # the summary quotes at most about half the distinct sentences
FOLLOW_UP_SHARE = 0.3  # a follow-up's heading shares this much of the question's weight
CLAIM_SPREAD = 0.25  # a section quotes sentences within this score of its best one
PARAGRAPH_CLAIM_CHARS = 450  # a paragraph this short is quoted whole once a sentence of it is  # a section quotes sentences within this score of its best one
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

    @property
    def score(self) -> float:
        return max((s.score for s in self.sentences), default=0.0)

    @property
    def strength(self) -> float:
        """Its best sentence's score for what it says, not where it stands (see
        `Sentence.standing`): how much it has to say, for choosing sections."""
        return max((s.score - s.standing for s in self.sentences), default=0.0)


def write_extractive(
    question: str,
    passages: Sequence[Passage],
    *,
    engine: EngineInfo,
    documents_searched: int,
    notes: Sequence[str] = (),
    query: Query | None = None,
    weights: Mapping[str, float] | None = None,
    extra_terms: Sequence[str] = (),
) -> Draft:
    """A report quoted from `passages` (ranked best first); see the module docstring.

    `documents_searched` is how many documents or pages were searched (for the limitations);
    `notes` are extra limitations from the caller, e.g. "3 pages could not be fetched".
    `query` is the analysed question (else `question` with `extra_terms`, a follow-up's
    context, joining at lower weight) and `weights` its terms' weights over the whole
    collection searched, when the caller knows them (else they come from `passages`).
    """
    reading = read_passages(
        question, passages, query=query, weights=weights, extra_terms=extra_terms
    )
    if not reading.sentences:  # a short answer, with its sources' context
        reading = reading.with_context()
    if not _is_answerable(reading):
        return _not_covered(reading, engine=engine, documents=documents_searched, notes=notes)
    summary = _pick_summary(reading)
    groups = _groups(reading)
    summary_runs = _leave_for_sections(summary, groups)
    used = {s.text for run in summary_runs for s in run}  # by text: pages may share a sentence
    in_sections: set[str] = set()
    sections = _pick_sections(groups, used)
    section_claims: list[tuple[str, list[list[Sentence]]]] = []
    headings: list[str] = []
    for group in sections:
        runs = _section_runs(group, used, in_sections)
        quoted = {s.text for run in runs for s in run}
        used |= quoted
        in_sections |= quoted
        title = passages[group.passages[0]].source.title
        heading = _unique(_section_heading(group, reading), headings, title)
        headings.append(heading)
        section_claims.append((heading, runs))

    sources: dict[str, int] = {}
    draft_sources: list[DraftSource] = []

    def claim(run: list[Sentence], *, with_code: bool) -> DraftClaim:
        passage = passages[run[0].passage]
        index = sources.get(passage.source.url)
        if index is None:
            index = sources[passage.source.url] = len(draft_sources)
            draft_sources.append(passage.source)
        code = run[-1].code if with_code else None
        return DraftClaim(text=passage.text[run[0].start : run[-1].end], cites=(index,), code=code)

    # A stretch that reads on into the next paragraph is quoted paragraph by paragraph.
    summary_claims = tuple(
        claim(part, with_code=False) for run in summary_runs for part in _by_line(run)
    )
    draft_sections = tuple(
        DraftSection(heading=heading, claims=tuple(claim(run, with_code=True) for run in runs))
        for heading, runs in section_claims
    )
    return Draft(
        summary=summary_claims,
        sections=draft_sections,
        limitations=_limitations(reading, draft_sources, documents_searched, notes),
        sources=tuple(draft_sources),
        follow_ups=_related_follow_ups(
            reading,
            cited=[*(run[0].passage for run in summary_runs), *(g.passages[0] for g in sections)],
            asked=[g.heading for g in sections],
        ),
        engine=engine,
    )


# --- deciding -------------------------------------------------------------------------


def _is_answerable(reading: Reading) -> bool:
    """Some passage holds the question's rarest terms together, and there is a sentence to
    quote that mentions the question."""
    return reading.is_covered and any(s.overlap > 0 for s in reading.sentences)


# --- the summary ----------------------------------------------------------------------


def _likeness(a: Sentence, b: Sentence) -> float:
    union = a.terms | b.terms
    overlap = len(a.terms & b.terms) / len(union) if union else 0.0
    return max(overlap, SAME_PASSAGE_LIKENESS) if a.passage == b.passage else overlap


def _windows(reading: Reading) -> list[list[Sentence]]:
    """Every stretch of sentences of one passage, up to SUMMARY_RUN_CHARS, that a summary could
    quote: consecutive within one paragraph, or on from a paragraph that ends by introducing a
    list ("...provides the following mechanisms:") into one of the next LIST_REACH paragraphs
    (the item that answers); never starting with a sentence that leans on the one before, never
    holding a lead-in to code, never ending with a sentence that cannot be quoted alone."""
    by_passage: dict[int, list[Sentence]] = {}
    for sentence in (*reading.sentences, *reading.fragments):
        if not (sentence.is_lead_in and sentence.code_follows):
            by_passage.setdefault(sentence.passage, []).append(sentence)
    found: list[list[Sentence]] = []
    for passage in by_passage.values():
        passage.sort(key=lambda s: s.position)
        line_starts = {s.line: s for s in reversed(passage)}
        for k, first in enumerate(passage):
            before = passage[k - 1] if k > 0 else None
            if first.is_dependent and before is not None and _continues(before, first):
                continue  # quoted with the sentence it leans on, in the window before
            if first.is_fragment and not (first.is_lead_in and _says_enough(first)):
                continue
            growing = [[first]]
            while growing:
                window = growing.pop()
                if not window[-1].is_fragment:
                    found.append(window)
                size = sum(len(s.text) + 1 for s in window)
                in_list = any(s.is_lead_in for s in window[:-1])
                nexts = _next_in_window(window[-1], passage, line_starts, in_list=in_list)
                for after in reversed(nexts):  # the nearest is grown first
                    if size + len(after.text) <= SUMMARY_RUN_CHARS:
                        growing.append([*window, after])
    return found


def _next_in_window(
    last: Sentence,
    passage: list[Sentence],
    line_starts: Mapping[int, Sentence],
    *,
    in_list: bool,
) -> list[Sentence]:
    """What may follow `last` in a stretch: the next sentence of its paragraph, or after a
    lead-in that ends its paragraph (a colon, no code) the first sentence of any of the next
    LIST_REACH paragraphs; inside such a list, the next item."""
    following = [s for s in passage if s.position == last.position + 1]
    if following and following[0].line == last.line:
        return following
    if not last.ends_line or last.code_follows:
        return []
    if last.is_lead_in and not in_list:
        lines = range(last.line + 1, last.line + 1 + LIST_REACH)
        return [line_starts[n] for n in lines if n in line_starts]
    # In a list a lead-in opened, the next item reads on (one reach per stretch: a page of
    # lead-ins cannot multiply the stretches).
    if (in_list or last.is_lead_in) and last.line + 1 in line_starts:
        return [line_starts[last.line + 1]]
    return []


def _by_line(run: list[Sentence]) -> list[list[Sentence]]:
    parts: list[list[Sentence]] = []
    for sentence in run:
        if parts and parts[-1][-1].line == sentence.line:
            parts[-1].append(sentence)
        else:
            parts.append([sentence])
    return parts


def _continues(last: Sentence, after: Sentence) -> bool:
    """Whether `after` reads on from `last`: the next sentence of its paragraph, or the first
    of the next paragraph when `last` ends its own by introducing it (a colon, no code)."""
    if after.position != last.position + 1:
        return False
    return after.line == last.line or (
        after.line == last.line + 1 and last.ends_line and last.is_lead_in and not last.code_follows
    )


def _says_enough(sentence: Sentence) -> bool:
    return len(sentence.text.split()) >= MIN_CLAIM_WORDS


def _window_score(window: Sequence[Sentence]) -> float:
    """The best sentence's score (a little less for a lead-in: what it introduces counts), plus
    the question's words the others add, less a little for each extra sentence (shorter says
    it better)."""
    best = max(s.score - (FRAGMENT_DISCOUNT if s.is_fragment else 0.0) for s in window)
    alone = max(s.own for s in window)
    together = min(1.0, sum(s.own for s in window))
    return best + WINDOW_GAIN * (together - alone) - WINDOW_LENGTH_COST * (len(window) - 1)


def _window_overlap(window: Sequence[Sentence]) -> float:
    return max(s.overlap for s in window)


def _window_likeness(a: Sequence[Sentence], b: Sequence[Sentence]) -> float:
    return max(_likeness(x, y) for x in a for y in b)


def _pick_summary(reading: Reading) -> list[list[Sentence]]:
    """The best stretches of the evidence that say different things (maximal marginal
    relevance), each a sentence or a few of one paragraph; about half the evidence at most,
    so a short answer stays short."""
    candidates = _windows(reading) or [[s] for s in reading.sentences[:1]]
    scored = sorted(
        ((_window_score(w), n, w) for n, w in enumerate(candidates)),
        key=lambda item: (-item[0], item[1]),
    )
    distinct = len({s.text for s in reading.sentences})
    limit = min(
        MAX_SUMMARY_CLAIMS,
        max(MIN_SUMMARY_CLAIMS, round(distinct * SUMMARY_SHARE_OF_EVIDENCE)),
    )
    picked: list[list[Sentence]] = []
    taken: set[str] = set()
    size = 0
    top = scored[0][0] if scored else 0.0
    held = 0.0  # how much of the question the best stretch so far holds

    def holds_enough(window: list[Sentence]) -> bool:
        """Past the answer, a stretch says nearly as much of the question: never padding from
        a passage sharing a word or two with it."""
        return _window_overlap(window) >= SUMMARY_OVERLAP_SHARE * held

    # "X vs Y": the summary says what each side is, from a passage whose heading names it (by
    # most of its own words).
    sides = question_sides(reading.query)
    own_sides: list[list[QuestionTerm]] = []
    if sides is not None:
        one, other = sides
        own_sides = [
            [t for t in one if t not in other] or one,
            [t for t in other if t not in one] or other,
        ]

    def says(window: Sequence[Sentence], side: list[QuestionTerm]) -> bool:
        held = frozenset(announced_terms(reading.passages[window[0].passage]))
        return 2 * sum(1 for t in side if t.is_in(held)) >= len(side)

    def unsaid() -> list[list[QuestionTerm]]:
        return [side for side in own_sides if not any(says(w, side) for w in picked)]

    def value_of(item: tuple[float, int, list[Sentence]]) -> tuple[float, int]:
        """Maximal marginal relevance: its score, less its likeness to what is picked."""
        likeness = max((_window_likeness(item[2], p) for p in picked), default=0.0)
        return (1 - SUMMARY_DIVERSITY) * item[0] - SUMMARY_DIVERSITY * likeness, -item[1]

    def fits(item: tuple[float, int, list[Sentence]], cutoff: float, room: int) -> bool:
        """Past the first, a stretch scores `cutoff` of the best one and fits the summary."""
        length = sum(len(s.text) for s in item[2])
        return not picked or (item[0] >= cutoff * top and length <= room)

    # A side not said yet may take one more stretch than the evidence would allow.
    while (len(picked) < limit or (unsaid() and len(picked) <= limit)) and scored:
        fresh = [
            item
            for item in scored
            if not any(s.text in taken for s in item[2]) and holds_enough(item[2])
        ]
        if not fresh:
            break

        room = MAX_SUMMARY_CHARS - size
        choice = max(fresh, key=value_of)
        siding = [item for item in fresh if picked and any(says(item[2], k) for k in unsaid())]
        side = max(siding, key=value_of) if siding else None
        if side is not None and fits(side, SIDE_CUTOFF, room):
            choice = side
        elif len(picked) >= limit or not fits(choice, SUMMARY_CUTOFF, room):
            break
        best = choice[2]
        length = sum(len(s.text) for s in best)
        picked.append(best)
        taken |= {s.text for s in best}
        size += length
        held = max(held, _window_overlap(best))
    # Stretches of one passage in their own order, passages in the order first picked; two
    # that meet in one paragraph read as one claim.
    first_pick: dict[int, int] = {}
    for n, window in enumerate(picked):
        first_pick.setdefault(window[0].passage, n)
    ordered = sorted(picked, key=lambda w: (first_pick[w[0].passage], w[0].start))
    merged: list[list[Sentence]] = []
    for window in ordered:
        last = merged[-1][-1] if merged else None
        first = window[0]
        if (
            last is not None
            and (last.passage, last.line) == (first.passage, first.line)
            and last.position + 1 == first.position
        ):
            merged[-1].extend(window)
        else:
            merged.append(list(window))
    return merged


def _leave_for_sections(
    summary: list[list[Sentence]], groups: list[_Group]
) -> list[list[Sentence]]:
    """When no group that may make a section has anything left to say, the summary less its
    later stretches from the best group (a short answer reads once, not twice). Its first
    stretch always stays: it is the answer."""
    if not groups:
        return summary
    quoted = {s.text for window in summary for s in window}
    if any(s.text not in quoted for group in _strong_groups(groups) for s in group.sentences):
        return summary
    best = groups[0]
    kept = list(summary)
    while len(kept) > 1:
        quoted = {s.text for window in kept for s in window}
        if any(s.text not in quoted for s in best.sentences):
            break
        ours = [w for w in kept[1:] if any(s in best.sentences for s in w)]
        if not ours:
            break
        kept.remove(ours[-1])
    if len(kept) == 1 and len(kept[0]) > 1:  # one stretch: its best sentence, the rest for later
        quoted = {s.text for s in kept[0]}
        if not any(s.text not in quoted for s in best.sentences):
            kept = [[max(kept[0], key=lambda s: (s.score, -s.start))]]
    return kept


# --- sections -------------------------------------------------------------------------


def _groups(reading: Reading) -> list[_Group]:
    """Relevant passages grouped by (source, heading), best first; the passages of a source
    under headings that name nothing ("Overview", "R-18996-06026") make one group."""
    by_key: dict[tuple[str, str], _Group] = {}
    for i in reading.relevant():
        passage = reading.passages[i]
        heading = clean_heading(passage.heading)
        key = (passage.source.url, "" if is_vague(heading) else heading.casefold())
        by_key.setdefault(key, _Group(heading, passage.source.url, [])).passages.append(i)
    per_passage: dict[int, list[Sentence]] = {}
    for sentence in reading.sentences:
        per_passage.setdefault(sentence.passage, []).append(sentence)
    groups: list[_Group] = []
    for group in by_key.values():
        group.sentences = [s for i in group.passages for s in per_passage.get(i, [])]
        if group.sentences:
            groups.append(group)
    groups.sort(key=lambda g: (-g.score, g.passages[0]))
    return groups


def _strong_groups(groups: list[_Group]) -> list[_Group]:
    """The groups that may make sections, best first: from the sources nearly as strong as the
    best one (SOURCE_FLOOR), and within SECTION_SPREAD of the best group."""
    if not groups:
        return []
    best = max(g.strength for g in groups)
    strength: dict[str, float] = {}
    for group in groups:
        strength[group.url] = max(strength.get(group.url, 0.0), group.strength)
    sources = {u for u, v in strength.items() if v >= SOURCE_FLOOR * best}
    return [g for g in groups if g.url in sources and g.strength >= best - SECTION_SPREAD]


def _pick_sections(groups: list[_Group], used: set[str]) -> list[_Group]:
    """The strong groups (`_strong_groups`) with something the summary has not quoted, 1 to 8.
    When none is left, the best group, so every sourced report has its section."""
    strong = [g for g in _strong_groups(groups) if any(s.text not in used for s in g.sentences)]
    return strong[:MAX_SECTIONS] or groups[:1]


def _section_runs(group: _Group, used: set[str], in_sections: set[str]) -> list[list[Sentence]]:
    """The group's best sentences not quoted yet (else its best one no other section quotes), in
    reading order, adjacent ones joined into one claim; a run ends at a sentence whose code
    travels with it."""
    pool = sorted(
        group.sentences, key=lambda s: (-s.score, group.passages.index(s.passage), s.start)
    )
    fresh = [s for s in pool if s.text not in used]
    floor = (fresh or pool)[0].score - CLAIM_SPREAD
    spare = [s for s in pool if s.text not in in_sections] or pool
    chosen = [s for s in fresh if s.score >= floor][:MAX_CLAIMS_PER_SECTION] or spare[:1]
    for sentence in list(chosen):  # a sentence leaning on the one before it brings that one along
        if sentence.is_dependent or sentence.is_lead_in:
            before = [
                s
                for s in group.sentences
                if s.passage == sentence.passage
                and s.line == sentence.line
                and s.position == sentence.position - 1
                and not s.is_lead_in
            ]
            chosen.extend(s for s in before if s not in chosen)
    for sentence in list(chosen):  # a short paragraph is quoted whole: it reads as written
        paragraph = [
            s for s in group.sentences if s.passage == sentence.passage and s.line == sentence.line
        ]
        span = sum(len(s.text) for s in paragraph)
        if span <= PARAGRAPH_CLAIM_CHARS and all(s.text not in used for s in paragraph):
            chosen.extend(s for s in paragraph if s not in chosen)
    chosen.sort(key=lambda s: (group.passages.index(s.passage), s.start))
    runs: list[list[Sentence]] = []
    for sentence in chosen:
        last = runs[-1][-1] if runs else None
        if (
            last is not None
            and last.code is None
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
        (t for t in reading.matched if t.is_in(mentioned)),
        key=lambda t: (-reading.weights[t.term], reading.terms.index(t)),
    )
    if asked:
        return _join_words([t.word for t in asked[:3]])
    counts: Counter[str] = Counter()
    for sentence in group.sentences:
        counts.update(w.casefold() for w in _LETTERS.findall(sentence.text) if len(w) > 3)
    return _join_words([w for w, _ in counts.most_common(3)])


def _section_heading(group: _Group, reading: Reading) -> str:
    """The document's own heading for the group (an API signature as its name); under no
    heading or a vague one ("Introduction"), the document's title; with neither, the
    question's words the group mentions."""
    source = reading.passages[group.passages[0]].source
    title = _shorten(" ".join(source.title.split()), MAX_TITLE_IN_HEADING)
    heading = display_heading(group.heading)
    if heading and not is_vague(heading):
        return _shorten(heading, MAX_HEADING_CHARS)
    # A source with a blank title must not leave a blank heading (the report would not validate).
    return _shorten(title or _topic(group, reading) or FALLBACK_HEADING, MAX_HEADING_CHARS)


def _unique(heading: str, taken: list[str], title: str) -> str:
    """The heading, told apart from those already taken (by its source's title)."""
    if heading not in taken:
        return heading
    short = _shorten(" ".join(title.split()), MAX_TITLE_IN_HEADING)
    candidate = _shorten(f"{heading} ({short})", MAX_HEADING_CHARS)
    if short and candidate not in taken:
        return candidate
    return _shorten(f"{heading} ({len(taken) + 1})", MAX_HEADING_CHARS)


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
            + (
                f"; {_count(undated, 'source')} {'carries' if undated == 1 else 'carry'} no date."
                if undated
                else "."
            )
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


def _interleave(lists: Sequence[Sequence[str]]) -> list[str]:
    """The first of each list, then the second of each, ..."""
    found: list[str] = []
    for n in range(max((len(items) for items in lists), default=0)):
        found.extend(items[n] for items in lists if n < len(items))
    return found


def _follow_ups(
    reading: Reading, sections: Sequence[_Group], *, asked: Sequence[str]
) -> tuple[str, ...]:
    """Questions from the headings next to the evidence in its documents (those sharing a word
    with the question first), then from other passages' headings, then from the sources'
    titles; the question's own words only when the documents offer too few."""
    passages = reading.passages
    relevant = reading.relevant()
    cited = [i for group in sections for i in group.passages[:1]]
    cited_set = set(cited)
    relevant_set = set(relevant)
    nearby = [
        *_interleave([passages[i].neighbours for i in cited]),
        *(passages[i].heading for i in relevant if i not in cited_set),
        *_interleave([passages[i].neighbours for i in relevant if i not in cited_set]),
    ]
    asked_terms = frozenset(content_terms(reading.question))
    related = [h for h in nearby if asked_terms & frozenset(content_terms(h))]
    headings = [
        *related,
        *nearby,
        *(p.heading for i, p in enumerate(passages) if i not in relevant_set),
        *(p.source.title for p in passages),
    ]
    vocabulary = {w for p in passages for w in words(p.text)}
    picked = pick_follow_ups(
        headings,
        asked=[reading.question, *asked],
        is_common_word=_is_common_word(passages),
        is_known=vocabulary.__contains__,
        limit=MAX_FOLLOW_UPS,
    )
    for fallback in _fallback_follow_ups(reading):
        if len(picked) >= MIN_FOLLOW_UPS:
            break
        # A question of one 1000-letter word makes no follow-up anyone could read on a button.
        if fallback not in picked and len(fallback) <= MAX_FOLLOW_UP_CHARS:
            picked.append(fallback)
    return tuple(picked)


def _related_follow_ups(
    reading: Reading, *, cited: Sequence[int], asked: Sequence[str]
) -> tuple[str, ...]:
    """Questions from the headings near the evidence that share the question's weightier words
    (FOLLOW_UP_SHARE of its weight, or its rarest word), then, for the minimum, the headings
    next to the quoted passages in their documents and those of the other passages found,
    then the question's own words."""
    passages = reading.passages
    cited = list(dict.fromkeys(cited))
    others = [i for i in reading.relevant() if i not in cited]
    near_cited = _interleave([passages[i].neighbours for i in cited])
    nearby = [
        *near_cited,
        *(passages[i].heading for i in others),
        *_interleave([passages[i].neighbours for i in others]),
    ]
    judged = [t for t in reading.query.judged if not t.is_context]
    total = sum(reading.weights.get(t.term, 0.0) for t in judged) or 1.0
    top = max((reading.weights.get(t.term, 0.0) for t in judged), default=0.0)

    def is_related(heading: str) -> bool:
        held = frozenset(terms(display_heading(heading)))
        shared = [t for t in judged if t.is_in(held)]
        weight = sum(reading.weights.get(t.term, 0.0) for t in shared)
        return weight >= FOLLOW_UP_SHARE * total or any(
            reading.weights.get(t.term, 0.0) >= top for t in shared
        )

    vocabulary = {w for p in passages for w in words(p.text)}

    def pick(headings: Iterable[str], picked: list[str], limit: int) -> list[str]:
        found = pick_follow_ups(
            headings,
            asked=[reading.question, *asked],
            is_common_word=_is_common_word(passages),
            is_known=vocabulary.__contains__,
            limit=limit,
        )
        return [*picked, *(q for q in found if q not in picked)][:limit]

    picked = pick([h for h in nearby if is_related(h)], [], MAX_FOLLOW_UPS)
    if len(picked) < MIN_FOLLOW_UPS:
        picked = pick([*near_cited, *(passages[i].heading for i in others)], picked, MIN_FOLLOW_UPS)
    for fallback in _fallback_follow_ups(reading):
        if len(picked) >= MIN_FOLLOW_UPS:
            break
        if fallback not in picked and len(fallback) <= MAX_FOLLOW_UP_CHARS:
            picked.append(fallback)
    return tuple(picked)


def _fallback_follow_ups(reading: Reading) -> list[str]:
    """When the documents offer too few headings: the question's own terms, then questions
    about the documents themselves."""
    by_rarity = sorted(
        (t for t in reading.query.judged if not t.is_context and not t.is_implied),
        key=lambda t: (-reading.weights.get(t.term, 0.0), reading.terms.index(t)),
    )
    found = [f"What is {t.word}?" for t in by_rarity[:3] if len(t.word) > 2]
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
            f"The passages found mention {_quoted((t.word for t in reading.matched), last='and')}, "
            "but no passage treats them together: too little to quote a sourced answer."
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
