"""A report's summary: the stretches of the evidence that answer, saying different things.

The summary leads with the stretch that answers; past it, a stretch must hold
at least half as much of the question (a passage sharing a word with it does
not pad the summary), and for "X vs Y" it says what each side is. Stretches
are picked by maximal marginal relevance, a sentence or a few of one
paragraph, or a lead-in with the list item that answers, or a sentence with the short code
example it introduces ("use the ** operator to calculate powers:" and `5 ** 2`): for a
how-to, a short example is often the best answer there is, so one such claim may lead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from answers.ingest.words import words
from answers.ranking.comparison import question_sides
from answers.ranking.headings import announced_terms
from answers.ranking.question import QuestionTerm
from answers.writers.quotable import MIN_CLAIM_WORDS, Sentence
from answers.writers.reading import Reading
from answers.writers.sections import Group, strong_groups

__all__ = ["leave_for_sections", "pick_summary", "summary_code"]

MIN_SUMMARY_CLAIMS = 1
MAX_SUMMARY_CLAIMS = 4
SUMMARY_DIVERSITY = 0.3  # MMR: how much a sentence's likeness to those already picked counts
SAME_PASSAGE_LIKENESS = 0.3  # two sentences of one passage count as this alike, at least
SUMMARY_OVERLAP_SHARE = 0.5  # past the first, a stretch holds this share of the question it held
SIDE_CUTOFF = 0.3  # ...or this share, for a stretch saying a side of "X vs Y" not said yet
SUMMARY_CUTOFF = 0.5  # past the minimum, stop when a candidate scores under this share of the best
SUMMARY_RUN_CHARS = 400  # a summary claim quotes up to this much of one paragraph
FRAGMENT_DISCOUNT = 0.1  # a lead-in's score, less this, stands for the stretch it opens
LIST_REACH = 5  # a lead-in to a list reaches this many paragraphs on, for the item that answers
MAX_SUMMARY_CHARS = 1000  # past the first claim, the summary stops growing here
WINDOW_GAIN = 0.3  # a stretch's score gains this for the question's words its others add
WINDOW_LENGTH_COST = 0.03
SUMMARY_SHARE_OF_EVIDENCE = 0.5  # the summary quotes at most about half the distinct sentences
MAX_SUMMARY_CODE = 1  # a summary shows one code example at most: it is not a listing
SUMMARY_CODE_CHARS = 300  # ...and only a short one, whose lines read at a glance
SUMMARY_CODE_LINES = 6
EXAMPLE_GAIN = 0.1  # a stretch ending with an example of what it says answers a how-to best
EXAMPLE_OWN_SHARE = 0.5  # an example's lead-in itself holds this share of the question
REASON_WORDS = frozenset({"why"})


def summary_code(sentence: Sentence) -> str | None:
    """The short code example a lead-in ("...to calculate powers:") introduces, which the
    summary may quote with it; None for any other sentence or a longer block."""
    code = sentence.code
    if not sentence.is_lead_in or code is None:
        return None
    answers = sentence.own >= EXAMPLE_OWN_SHARE  # it says how, in the question's own words
    shown = code.strip("\n")
    short = len(shown) <= SUMMARY_CODE_CHARS and shown.count("\n") < SUMMARY_CODE_LINES
    return code if short and _says_enough(sentence) and answers else None


def _window_code(window: Sequence[Sentence]) -> str | None:
    return summary_code(window[-1])


def _likeness(a: Sentence, b: Sentence) -> float:
    union = a.terms | b.terms
    overlap = len(a.terms & b.terms) / len(union) if union else 0.0
    return max(overlap, SAME_PASSAGE_LIKENESS) if a.passage == b.passage else overlap


def _windows(reading: Reading) -> list[list[Sentence]]:
    """Every stretch of sentences of one passage, up to SUMMARY_RUN_CHARS, that a summary could
    quote: consecutive within one paragraph, or on from a paragraph that ends by introducing a
    list ("...provides the following mechanisms:") into one of the next LIST_REACH paragraphs
    (the item that answers); never starting with a sentence that leans on the one before, never
    holding a lead-in to code unless it ends with one and its short example, never ending with a
    sentence that cannot be quoted alone."""
    by_passage: dict[int, list[Sentence]] = {}
    for sentence in (*reading.sentences, *reading.fragments):
        if not (sentence.is_lead_in and sentence.code_follows) or summary_code(sentence):
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
                # An example quoted in the summary stands alone: no "and so, as above:" before it.
                if not window[-1].is_fragment and not (
                    window[0].is_dependent and _window_code(window)
                ):
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
    score = best + WINDOW_GAIN * (together - alone) - WINDOW_LENGTH_COST * (len(window) - 1)
    if _window_code(window):
        score += EXAMPLE_GAIN  # it says how, and shows it
    return score


def _length(window: Sequence[Sentence]) -> int:
    """What a stretch takes of the summary: its text, and the code example it ends with."""
    return sum(len(s.text) for s in window) + len(_window_code(window) or "")


def _window_overlap(window: Sequence[Sentence]) -> float:
    return max(s.overlap for s in window)


def _window_likeness(a: Sequence[Sentence], b: Sequence[Sentence]) -> float:
    return max(_likeness(x, y) for x in a for y in b)


def pick_summary(reading: Reading) -> list[list[Sentence]]:
    """The best stretches of the evidence that say different things (maximal marginal
    relevance), each a sentence or a few of one paragraph; about half the evidence at most,
    so a short answer stays short."""
    candidates = _windows(reading)
    # An example shows how, not why: a question asking for a reason is answered in words.
    if REASON_WORDS & set(words(reading.question)):
        candidates = [w for w in candidates if _window_code(w) is None]
    candidates = candidates or [[s] for s in reading.sentences[:1]]
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
    examples = 0  # stretches picked with their code example

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
        return not picked or (item[0] >= cutoff * top and _length(item[2]) <= room)

    def may_show(window: list[Sentence]) -> bool:
        """An example leads, or shows what the leading passage says: never one from elsewhere
        in a later place, where it would push out a claim that answers."""
        if _window_code(window) is None:
            return True
        return examples < MAX_SUMMARY_CODE and (
            not picked or window[0].passage == picked[0][0].passage
        )

    # A side not said yet may take one more stretch than the evidence would allow.
    while (len(picked) < limit or (unsaid() and len(picked) <= limit)) and scored:
        fresh = [
            item
            for item in scored
            if not any(s.text in taken for s in item[2])
            and holds_enough(item[2])
            and may_show(item[2])
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
        picked.append(best)
        taken |= {s.text for s in best}
        size += _length(best)
        examples += _window_code(best) is not None
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


def leave_for_sections(summary: list[list[Sentence]], groups: list[Group]) -> list[list[Sentence]]:
    """When no group that may make a section has anything left to say, the summary less its
    later stretches from the best group (a short answer reads once, not twice). Its first
    stretch always stays: it is the answer."""
    if not groups:
        return summary
    quoted = {s.text for window in summary for s in window}
    if any(s.text not in quoted for group in strong_groups(groups) for s in group.sentences):
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
