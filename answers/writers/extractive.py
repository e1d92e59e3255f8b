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

Its parts: `reading` and `quotable` (the sentences and their scores), `summary`,
`sections`, `limitations` and `related_questions` (the follow-ups).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from answers.evidence import Passage
from answers.model import Draft, DraftClaim, DraftSection, DraftSource, EngineInfo
from answers.ranking.question import Query
from answers.writers.follow_ups import clean_heading
from answers.writers.limitations import absence_claim, quoted_words, report_limitations
from answers.writers.quotable import Sentence
from answers.writers.reading import Reading, read_passages
from answers.writers.related_questions import follow_ups, related_follow_ups
from answers.writers.sections import (
    group_passages,
    pick_sections,
    section_heading,
    section_runs,
    unique_heading,
)
from answers.writers.summary import leave_for_sections, pick_summary, summary_code

__all__ = ["write_extractive"]


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
    summary = pick_summary(reading)
    groups = group_passages(reading)
    summary_runs = leave_for_sections(summary, groups)
    used = {s.text for run in summary_runs for s in run}  # by text: pages may share a sentence
    in_sections: set[str] = set()
    sections = pick_sections(groups, used)
    section_claims: list[tuple[str, list[list[Sentence]]]] = []
    headings: list[str] = []
    for group in sections:
        runs = section_runs(group, used, in_sections)
        quoted = {s.text for run in runs for s in run}
        used |= quoted
        in_sections |= quoted
        title = passages[group.passages[0]].source.title
        heading = unique_heading(section_heading(group, reading), headings, title)
        headings.append(heading)
        section_claims.append((heading, runs))

    sources: dict[str, int] = {}
    draft_sources: list[DraftSource] = []

    def claim(run: list[Sentence], code: str | None) -> DraftClaim:
        passage = passages[run[0].passage]
        index = sources.get(passage.source.url)
        if index is None:
            index = sources[passage.source.url] = len(draft_sources)
            draft_sources.append(passage.source)
        return DraftClaim(text=passage.text[run[0].start : run[-1].end], cites=(index,), code=code)

    # A stretch that reads on into the next paragraph is quoted paragraph by paragraph; only a
    # short example travels with a summary claim.
    summary_claims = tuple(
        claim(part, summary_code(part[-1])) for run in summary_runs for part in _by_line(run)
    )
    draft_sections = tuple(
        DraftSection(heading=heading, claims=tuple(claim(run, run[-1].code) for run in runs))
        for heading, runs in section_claims
    )
    return Draft(
        summary=summary_claims,
        sections=draft_sections,
        limitations=report_limitations(reading, draft_sources, documents_searched, notes),
        sources=tuple(draft_sources),
        follow_ups=related_follow_ups(
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


def _by_line(run: list[Sentence]) -> list[list[Sentence]]:
    parts: list[list[Sentence]] = []
    for sentence in run:
        if parts and parts[-1][-1].line == sentence.line:
            parts[-1].append(sentence)
        else:
            parts.append([sentence])
    return parts


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
        second = f"No passage found mentions {quoted_words(t.word for t in reading.missing)}."
    else:
        second = (
            f"The passages found mention {quoted_words((t.word for t in reading.matched), last='and')}, "
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
    limitations.append(absence_claim(documents))
    return Draft(
        summary=(DraftClaim(first), DraftClaim(second)),
        sections=(),
        limitations=tuple(limitations),
        sources=(),
        follow_ups=follow_ups(reading, (), asked=()),
        engine=engine,
    )
