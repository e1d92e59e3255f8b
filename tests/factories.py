"""Answers of every size for renderer and adapter tests, built through the real model."""

from __future__ import annotations

from datetime import UTC, datetime

from answers.model import (
    Answer,
    Draft,
    DraftClaim,
    DraftSection,
    DraftSource,
    EngineInfo,
    Understood,
)

MARKUP = "<!channel> <!here> @everyone @here <@U123> <#C1> *bold* _it_ ~s~ `code` > q & | [x](y)"
CHECKED_ON = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
# A line of code that tries to end its block and to ping, on every platform.
CODE_LINE = "print('```') # ``` <!channel> @everyone <@U123> *b* _i_ `t` & | [x](y) [bold]z[/] \\"


def make_code(size: int) -> str:
    """About `size` characters of code: numbered hostile lines, and one long line past 2,000."""
    lines = [f"{n:04d} {CODE_LINE}" for n in range(size // (len(CODE_LINE) + 6) + 1)]
    if size > 4000:
        lines.insert(len(lines) // 2, "x = '" + "y" * 2500 + "'")
    return "\n".join(lines)[:size]


def make_answer(
    *,
    question: str = "Is the moon made of cheese?",
    sources: int = 3,
    sections: int = 4,
    claims_per_section: int = 2,
    body_chars: int = 0,
    heading_chars: int = 0,
    markup: bool = False,
    follow_ups: int = 5,
    checked_on: datetime = CHECKED_ON,
    code_chars: int = 0,
    follow_up: bool = False,
) -> Answer:
    """A valid answer; `body_chars`/`heading_chars` pad texts to that length, `markup` puts
    hostile markup in every field a person or document controls, `code_chars` gives every
    summary and section claim a code block of that size, `follow_up` makes it the answer to a
    follow-up in a thread (its `understood` padded like the bodies)."""
    tag = f" {MARKUP}" if markup else ""

    def pad(text: str, size: int) -> str:
        text = text + tag
        return (text + " " + "lorem ipsum " * (size // 12 + 1))[:size] if size else text

    draft_sources = tuple(
        DraftSource(
            title=pad(f"Source number {i + 1}", 0),
            url=f"https://example.org/article/{i + 1}",
            publisher=f"Publisher {i + 1}{tag}",
            snippet=f"Snippet {i + 1}{tag}",
        )
        for i in range(sources)
    )
    # Cite every source at least once, spread across the summary and sections.
    cites = [i % sources for i in range(max(sources, sections * claims_per_section + 2))]
    it = iter(cites)

    def claim(text: str) -> DraftClaim:
        code = make_code(code_chars) if code_chars else None
        return DraftClaim(text=pad(text, body_chars), cites=(next(it, 0),), code=code)

    summary = (claim("The summary's first claim."), claim("The summary's second claim."))
    secs = tuple(
        DraftSection(
            heading=pad(f"What section {s + 1} shows", heading_chars),
            claims=tuple(
                claim(f"Claim {c + 1} of section {s + 1}.") for c in range(claims_per_section)
            ),
        )
        for s in range(sections)
    )
    rest = list(it)
    if rest:  # any source still uncited goes into a last section's claims
        extra = tuple(DraftClaim(text=pad("More evidence.", body_chars), cites=(i,)) for i in rest)
        last = secs[-1]
        secs = (*secs[:-1], DraftSection(heading=last.heading, claims=last.claims + extra))
    draft = Draft(
        summary=summary,
        sections=secs,
        limitations=(DraftClaim(text=pad("The sources do not show everything.", 0)),),
        sources=draft_sources,
        follow_ups=tuple(pad(f"Follow-up question number {i + 1}?", 0) for i in range(follow_ups)),
        engine=EngineInfo(backend="test", writer="factory", version="1"),
    )
    understood = None
    if follow_up:
        understood = Understood(
            question=pad("What the follow-up was understood to ask", body_chars),
            terms=("moon", f"cheese{tag}"),
        )
    return draft.finalize(
        question=question + tag,
        question_key="test",
        checked_on=checked_on,
        disclaimer="Answers can be wrong; check the sources.",
        understood=understood,
    )


def small_answer(
    *,
    summary: tuple[DraftClaim, ...] = (DraftClaim("Claim.", (0,)),),
    follow_ups: tuple[str, ...] = ("One?", "Two?", "Three?"),
    source_url: str = "https://example.org/s",
) -> Answer:
    """A one-source answer written out by hand, three one-claim sections, for what
    `make_answer` cannot make (a blank follow-up, a summary claim with code, a path source)."""
    draft = Draft(
        summary=summary,
        sections=tuple(DraftSection(f"H{i}", (DraftClaim("Body.", (0,)),)) for i in range(3)),
        limitations=(),
        sources=(DraftSource(title="Source", url=source_url),),
        follow_ups=follow_ups,
        engine=EngineInfo(backend="test", writer="test", version="1"),
    )
    return draft.finalize(question="q", question_key="k", checked_on=CHECKED_ON, disclaimer="d")


def extreme_answers() -> dict[str, Answer]:
    """The reports every renderer must fit into its platform's limits."""
    return {
        "one-source": make_answer(sources=1, sections=3),
        "forty-sources": make_answer(sources=40, sections=8, claims_per_section=4),
        "eight-sections": make_answer(sections=8),
        "long-bodies": make_answer(sections=8, body_chars=10_000),
        "long-headings": make_answer(sections=8, heading_chars=300),
        "markup-everywhere": make_answer(markup=True, sections=8, sources=12, follow_up=True),
        "short-code": make_answer(sections=3, code_chars=300, markup=True),
        "long-code": make_answer(sections=8, code_chars=10_000),
        "everything": make_answer(
            sources=40,
            sections=8,
            claims_per_section=3,
            body_chars=10_000,
            heading_chars=300,
            markup=True,
            code_chars=10_000,
            follow_up=True,
        ),
    }


def make_uncovered_answer(question: str = "Who won the 1930 World Cup?") -> Answer:
    """The honest report for a question the sources do not cover: no sources, no sections."""
    draft = Draft(
        summary=(DraftClaim(text="The indexed documents do not cover this question."),),
        sections=(),
        limitations=(DraftClaim(text="No document mentions: world, cup, 1930."),),
        sources=(),
        follow_ups=(
            "How does factbot cache answers?",
            "How do I add factbot to Slack?",
            "Which settings does factbot read?",
        ),
        engine=EngineInfo(backend="test", writer="factory", version="1"),
    )
    return draft.finalize(
        question=question,
        question_key="test-uncovered",
        checked_on=CHECKED_ON,
        disclaimer="Answers can be wrong.",
    )
