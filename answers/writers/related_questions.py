"""Which follow-up questions a report offers: headings near its evidence that share the question's
weightier words, then those next to the quoted passages, then the question's own words."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from answers.evidence import Passage
from answers.ingest.words import terms, words
from answers.model import MAX_FOLLOW_UPS, MIN_FOLLOW_UPS
from answers.ranking.question import content_terms
from answers.writers.follow_ups import MAX_FOLLOW_UP_CHARS, display_heading, pick_follow_ups
from answers.writers.reading import Reading
from answers.writers.sections import Group

__all__ = ["follow_ups", "related_follow_ups"]

FOLLOW_UP_SHARE = 0.3  # a follow-up's heading shares this much of the question's weight
_MID_SENTENCE_NAME = re.compile(r"(?<=[a-z,;] )([A-Z][a-z]+)")


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


def follow_ups(
    reading: Reading, sections: Sequence[Group], *, asked: Sequence[str]
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
    picked = _from_headings(reading, headings, asked, _vocabulary(reading), MAX_FOLLOW_UPS)
    return _with_fallbacks(picked, reading)


def related_follow_ups(
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

    vocabulary = _vocabulary(reading)

    def pick(headings: Iterable[str], picked: list[str], limit: int) -> list[str]:
        found = _from_headings(reading, headings, asked, vocabulary, limit)
        return [*picked, *(q for q in found if q not in picked)][:limit]

    picked = pick([h for h in nearby if is_related(h)], [], MAX_FOLLOW_UPS)
    if len(picked) < MIN_FOLLOW_UPS:
        picked = pick([*near_cited, *(passages[i].heading for i in others)], picked, MIN_FOLLOW_UPS)
    return _with_fallbacks(picked, reading)


def _vocabulary(reading: Reading) -> frozenset[str]:
    """The words of the passages found: a follow-up asks only about words they use."""
    return frozenset(w for p in reading.passages for w in words(p.text))


def _from_headings(
    reading: Reading,
    headings: Iterable[str],
    asked: Sequence[str],
    vocabulary: frozenset[str],
    limit: int,
) -> list[str]:
    """Follow-ups made from `headings`, none already asked, at most `limit`."""
    return pick_follow_ups(
        headings,
        asked=[reading.question, *asked],
        is_common_word=_is_common_word(reading.passages),
        is_known=vocabulary.__contains__,
        limit=limit,
    )


def _with_fallbacks(picked: list[str], reading: Reading) -> tuple[str, ...]:
    """`picked`, topped up to MIN_FOLLOW_UPS from `_fallback_follow_ups`."""
    for fallback in _fallback_follow_ups(reading):
        if len(picked) >= MIN_FOLLOW_UPS:
            break
        # A question of one 1000-letter word makes no follow-up anyone could read on a button.
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
