"""The report every part of factbot speaks: an immutable, JSON-serialisable `Answer`.

Citations are data: a `Claim` carries the numbers of the sources it cites and
each renderer draws its own `[n]`. `Draft` is what a writer produces before
the engine stamps it: claims cite sources by their index in the draft, and
`Draft.finalize` renumbers them in order of first citation, merges sources
that share a URL and drops the ones never cited.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated, Self

import pydantic_core
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

MIN_SECTIONS = 1
MAX_SECTIONS = 8
MIN_FOLLOW_UPS = 3
MAX_FOLLOW_UPS = 5
MAX_TITLE_CHARS = 200

NonEmptyText = Annotated[str, StringConstraints(strip_whitespace=False, min_length=1)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Claim(_Frozen):
    """One sentence (or short run of sentences) and the sources that back it.

    `code` is a code block quoted verbatim from the cited source that the
    sentence introduces; renderers show it as code, never as prose.
    """

    text: NonEmptyText
    cites: tuple[Annotated[int, Field(ge=1)], ...] = ()
    code: str | None = None

    @model_validator(mode="after")
    def _text_not_blank(self) -> Self:
        if not self.text.strip():
            raise ValueError("a claim's text is blank")
        return self


class Section(_Frozen):
    heading: NonEmptyText
    claims: tuple[Claim, ...] = Field(min_length=1)


class Source(_Frozen):
    n: Annotated[int, Field(ge=1)]
    title: NonEmptyText
    url: NonEmptyText
    publisher: str = ""
    published: date | None = None
    snippet: str | None = None


class EngineInfo(_Frozen):
    """Which backend and which writer made the report."""

    backend: NonEmptyText
    writer: NonEmptyText
    version: NonEmptyText


class Understood(_Frozen):
    """How a follow-up asked inside a thread was understood on its own.

    `question` is the standalone question (rewritten by the LLM), or, without
    an LLM, the question as asked; `terms` are the earlier question's key words
    that joined its search. `text` is what the report shows ("Answering: …")
    and what the cache key holds.
    """

    question: NonEmptyText
    terms: tuple[NonEmptyText, ...] = ()

    @property
    def text(self) -> str:
        if not self.terms:
            return self.question
        return f"{self.question} (about {', '.join(self.terms)})"


class Answer(_Frozen):
    """A fact-check report.

    A report with no sources is the honest "the sources do not cover this"
    answer: it has no sections and its claims cite nothing. Any other report
    has 1 to 8 sections and every summary and section claim cites a source.
    """

    id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{16}$")]
    question: str
    title: NonEmptyText
    checked_on: AwareDatetime
    disclaimer: NonEmptyText
    summary: tuple[Claim, ...] = Field(min_length=1)
    sections: tuple[Section, ...] = Field(max_length=MAX_SECTIONS)
    limitations: tuple[Claim, ...] = ()
    sources: tuple[Source, ...] = ()
    follow_ups: tuple[NonEmptyText, ...] = Field(
        min_length=MIN_FOLLOW_UPS, max_length=MAX_FOLLOW_UPS
    )
    engine: EngineInfo
    # Set when the question was a follow-up in a thread; older stored answers have none.
    understood: Understood | None = None

    @model_validator(mode="after")
    def _citations_resolve(self) -> Self:
        numbers = [s.n for s in self.sources]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError(f"sources must be numbered 1..N, got {numbers}")
        urls = [s.url for s in self.sources]
        if len(set(urls)) != len(urls):
            raise ValueError("two sources share a URL")
        if not self.sources:
            if self.sections:
                raise ValueError("a report without sources cannot have sections")
            if any(c.cites for c in self.all_claims()):
                raise ValueError("a cite names no source: the report has no sources")
            return self
        if len(self.sections) < MIN_SECTIONS:
            raise ValueError(f"a report needs {MIN_SECTIONS} to {MAX_SECTIONS} sections")
        for claim in (*self.summary, *(c for s in self.sections for c in s.claims)):
            if not claim.cites:
                raise ValueError(f"uncited claim: {claim.text[:60]!r}")
        first_cited: list[int] = []
        for claim in self.all_claims():
            for n in claim.cites:
                if n > len(self.sources):
                    raise ValueError(f"cite [{n}] names no source")
                if n not in first_cited:
                    first_cited.append(n)
        if first_cited != numbers:
            never = sorted(set(numbers) - set(first_cited))
            if never:
                raise ValueError(f"sources never cited: {never}")
            raise ValueError("sources must be numbered in order of first citation")
        return self

    def all_claims(self) -> tuple[Claim, ...]:
        """Summary, section and limitation claims in reading order."""
        return (
            *self.summary,
            *(c for s in self.sections for c in s.claims),
            *self.limitations,
        )

    def source(self, n: int) -> Source:
        return self.sources[n - 1]

    def is_stale(self, now: datetime, freshness: timedelta) -> bool:
        return now - self.checked_on > freshness

    def to_json(self) -> str:
        return self.model_dump_json()

    @classmethod
    def from_json(cls, data: str | bytes) -> Answer:
        return cls.model_validate_json(data)


# --- drafts: what writers produce ------------------------------------------------


@dataclass(frozen=True)
class DraftSource:
    title: str
    url: str
    publisher: str = ""
    published: date | None = None
    snippet: str | None = None


@dataclass(frozen=True)
class DraftClaim:
    """A claim whose cites are indexes into `Draft.sources` (0-based)."""

    text: str
    cites: tuple[int, ...] = ()
    code: str | None = None  # a verbatim code block the sentence introduces


@dataclass(frozen=True)
class DraftSection:
    heading: str
    claims: tuple[DraftClaim, ...]


@dataclass(frozen=True)
class Draft:
    """A writer's report before the engine numbers its sources and stamps it."""

    summary: tuple[DraftClaim, ...]
    sections: tuple[DraftSection, ...]
    limitations: tuple[DraftClaim, ...]
    sources: tuple[DraftSource, ...]
    follow_ups: tuple[str, ...]
    engine: EngineInfo
    title: str | None = None
    # Serve this draft's answer for at most this long (a degraded answer, e.g. the LLM was down).
    freshness: timedelta | None = None

    def finalize(
        self,
        *,
        question: str,
        question_key: str,
        checked_on: datetime,
        disclaimer: str,
        understood: Understood | None = None,
    ) -> Answer:
        """Number sources by first citation, merge same-URL sources, drop uncited ones."""
        canonical: dict[str, int] = {}  # url -> index of the first draft source with it
        alias: dict[int, int] = {}
        for i, src in enumerate(self.sources):
            alias[i] = canonical.setdefault(src.url, i)
        number: dict[int, int] = {}

        def renumber(claim: DraftClaim) -> Claim:
            cites: list[int] = []
            for i in claim.cites:
                if i not in alias:
                    raise ValueError(f"draft cite {i} names no draft source")
                n = number.setdefault(alias[i], len(number) + 1)
                if n not in cites:
                    cites.append(n)
            return Claim(text=claim.text, cites=tuple(cites), code=claim.code)

        summary = tuple(renumber(c) for c in self.summary)
        sections = tuple(
            Section(heading=s.heading, claims=tuple(renumber(c) for c in s.claims))
            for s in self.sections
        )
        limitations = tuple(renumber(c) for c in self.limitations)
        sources = tuple(
            Source(
                n=n,
                title=self.sources[i].title,
                url=self.sources[i].url,
                publisher=self.sources[i].publisher,
                published=self.sources[i].published,
                snippet=self.sources[i].snippet,
            )
            for i, n in sorted(number.items(), key=lambda item: item[1])
        )
        title = self.title or display_title(question)
        follow_ups = tuple(dict.fromkeys(self.follow_ups))
        body: tuple[object, ...] = (title, summary, sections, limitations, sources, follow_ups)
        body += (self.engine,) if understood is None else (self.engine, understood)
        return Answer(
            id=_fingerprint(question_key, body),
            question=question,
            title=title,
            checked_on=checked_on,
            disclaimer=disclaimer,
            summary=summary,
            sections=sections,
            limitations=limitations,
            sources=sources,
            follow_ups=follow_ups,
            engine=self.engine,
            understood=understood,
        )


def _fingerprint(question_key: str, body: tuple[object, ...]) -> str:
    digest = hashlib.sha256(question_key.encode() + b"\n")
    digest.update(pydantic_core.to_json(body, by_alias=False))
    return digest.hexdigest()[:16]


def display_title(question: str) -> str:
    """The question as displayed: one line, trimmed, at most MAX_TITLE_CHARS."""
    line = " ".join(question.split())
    if len(line) > MAX_TITLE_CHARS:
        line = line[: MAX_TITLE_CHARS - 1].rstrip() + "…"
    return line or "(empty question)"
