"""The report core, through each platform's real markup: the same fitting rules everywhere."""

from __future__ import annotations

import pytest
from rich.text import Text

from adapters.console.render import RICH_MARKUP
from adapters.discord.markdown import DISCORD_MARKDOWN
from adapters.report import (
    MIN_CODE_CHARS,
    MIN_CUT_CHARS,
    UNLIMITED,
    Markup,
    code_within,
    fit_claims,
    lines_within,
    source_line,
)
from adapters.slack.mrkdwn import MRKDWN
from adapters.text import ELLIPSIS
from answers import Answer, Draft, DraftClaim, DraftSection, DraftSource, EngineInfo
from tests.factories import CHECKED_ON, CODE_LINE, make_code

MARKUPS: dict[str, Markup] = {"slack": MRKDWN, "discord": DISCORD_MARKDOWN, "terminal": RICH_MARKUP}
FENCE = "```"


def answer_with(*claims: DraftClaim, urls: tuple[str, ...] = ("https://example.org/a",)) -> Answer:
    return Draft(
        summary=claims,
        sections=(DraftSection("Heading", (DraftClaim("Body.", (0,)),)),),
        limitations=(),
        sources=tuple(DraftSource(f"Source {i}", url) for i, url in enumerate(urls)),
        follow_ups=("One?", "Two?", "Three?"),
        engine=EngineInfo(backend="test", writer="test", version="1"),
    ).finalize(question="q", question_key="k", checked_on=CHECKED_ON, disclaimer="d")


def shown(name: str, markup_text: str) -> str:
    """What a reader sees of the terminal's markup (the others show their text as it is)."""
    return Text.from_markup(markup_text, emoji=False).plain if name == "terminal" else markup_text


@pytest.mark.parametrize("name", MARKUPS)
@pytest.mark.parametrize("limit", [60, 200, 1000, 3000, UNLIMITED])
def test_a_code_block_fits_and_nothing_in_it_ends_it_early(name: str, limit: int) -> None:
    code = make_code(10_000)
    block = code_within(MARKUPS[name], code, limit)
    if block is None:
        assert limit < MIN_CODE_CHARS * 3  # only too small a room leaves the code out
        return
    assert len(block) <= limit
    if name != "terminal":
        assert block.startswith(FENCE + "\n") and block.endswith("\n" + FENCE)
        assert FENCE not in block[len(FENCE) : -len(FENCE)]
    lines = shown(name, block).splitlines()
    body = lines if name == "terminal" else lines[1:-1]
    if limit < UNLIMITED:
        assert body[-1].strip() == ELLIPSIS  # cut at a line, and says so
    else:
        assert len(body) == code.count("\n") + 1


def test_the_terminal_prints_code_and_markup_in_it_as_written() -> None:
    block = RICH_MARKUP.code_block(CODE_LINE)
    assert Text.from_markup(block, emoji=False).plain.strip() == CODE_LINE


@pytest.mark.parametrize("name", MARKUPS)
def test_a_claim_that_does_not_fit_is_cut_with_its_citation_or_left_out(name: str) -> None:
    markup = MARKUPS[name]
    long = "word " * 400
    answer = answer_with(DraftClaim("Short first claim.", (0,)), DraftClaim(long, (0,)))
    fitted = fit_claims(markup, answer, answer.summary, limit=300)
    assert len(fitted.text) <= 300
    first, cut = fitted.lines
    assert "[1]" in shown(name, first) and "[1]" in shown(name, cut)
    assert ELLIPSIS in shown(name, cut)

    tight = fit_claims(markup, answer, answer.summary, limit=len(first) + MIN_CUT_CHARS)
    assert tight.lines[1:] == [ELLIPSIS]  # too little room for a cut: "…" stands for it


@pytest.mark.parametrize("name", MARKUPS)
def test_prose_with_code_puts_each_claim_on_its_own_lines(name: str) -> None:
    answer = answer_with(
        DraftClaim("Run this:", (0,), code="make test"), DraftClaim("Then this.", (0,))
    )
    fitted = fit_claims(MARKUPS[name], answer, answer.summary, limit=2000, sep=" ")
    assert fitted.sep == "\n"
    assert "make test" in shown(name, fitted.text)
    assert shown(name, fitted.text).splitlines()[-1].startswith("Then this.")


@pytest.mark.parametrize("name", MARKUPS)
def test_a_source_without_a_web_url_shows_its_path_as_code(name: str) -> None:
    answer = answer_with(
        DraftClaim("Claim.", (0, 1)), urls=("docs/caching.md", "https://example.org/b")
    )
    local, web = (
        source_line(
            MARKUPS[name], s, number=f"{s.n}.", title_chars=80, publisher_chars=40, is_dated=True
        )
        for s in answer.sources
    )
    assert "docs/caching.md" in shown(name, local) and "Source 0" in shown(name, local)
    if name != "terminal":
        assert "`docs/caching.md`" in local
    assert "example.org/b" in web and "`" not in web


def test_lines_within_keeps_room_for_and_n_more() -> None:
    lines = ["Sources", *(f"{n}. a source line" for n in range(1, 41))]
    assert lines_within(lines[:3], 1000, reserve=40) == (lines[:3], 0)
    shown_lines, left_out = lines_within(lines, 200, reserve=40)
    assert len("\n".join(shown_lines)) <= 160 and shown_lines[0] == "Sources"
    assert left_out == len(lines) - len(shown_lines) > 0
