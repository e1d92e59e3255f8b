"""The terminal renderer: what a document or a model wrote never drives the terminal."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime

import pytest
from rich.console import Console

from adapters.console import render_answer, run_chat
from adapters.desk import QuestionDesk
from answers import (
    Answer,
    AnswerEngine,
    Draft,
    DraftClaim,
    DraftSection,
    DraftSource,
    EngineInfo,
    MemoryStore,
)
from tests.answers.fake_backend import ScriptedBackend
from tests.factories import extreme_answers, small_answer

EXTREME = extreme_answers()
CLEAR_SCREEN = "\x1b[2J"
SET_CLIPBOARD = "\x1b]52;c;ZWNobyBoaQ==\x07"  # OSC 52: write the clipboard
HOSTILE = f"text{CLEAR_SCREEN}{SET_CLIPBOARD}\x08\x00 end"


def shown(answer: Answer) -> str:
    out = io.StringIO()
    Console(file=out, force_terminal=True, width=120, color_system="truecolor").print(
        render_answer(answer)
    )
    return out.getvalue()


def answer_with(text: str, *, urls: tuple[str, ...]) -> Answer:
    draft = Draft(
        summary=(DraftClaim(f"Summary {text}", tuple(range(len(urls)))),),
        sections=tuple(DraftSection(f"Heading {text}", (DraftClaim(text, (0,)),)) for _ in "abc"),
        limitations=(DraftClaim(f"Limits {text}"),),
        sources=tuple(
            DraftSource(title=f"Title {text}", url=url, publisher=f"Pub {text}") for url in urls
        ),
        follow_ups=(f"One {text}?", "Two?", "Three?"),
        engine=EngineInfo(backend="test", writer="test", version="1"),
    )
    return draft.finalize(
        question=f"Q {text}",
        question_key="k",
        checked_on=datetime(2026, 1, 1, tzinfo=UTC),
        disclaimer=f"Check {text}",
    )


def test_escape_codes_from_documents_never_reach_the_terminal() -> None:
    output = shown(answer_with(HOSTILE, urls=(f"https://example.org/{SET_CLIPBOARD}",)))
    assert CLEAR_SCREEN not in output
    assert "\x1b]52" not in output
    assert "\x08" not in output and "\x00" not in output
    assert output.count("ZWNobyBoaQ== end") >= 8  # every field still shows its words


def test_only_plain_web_urls_become_terminal_links() -> None:
    urls = ("https://example.org/fine", "https://example.org/a b c", "javascript:alert(1)")
    output = shown(answer_with("words", urls=urls))
    assert "\x1b]8;id=" in output and ";https://example.org/fine\x1b\\" in output
    assert ";https://example.org/a\x1b\\" not in output  # a space ended the link's URL
    assert "javascript:alert(1)\x1b\\" not in output
    assert "https://example.org/a b c" in output  # shown as text instead


def hostile_draft(question: str) -> Draft:
    """A report whose first follow-up carries escape codes."""
    return Draft(
        summary=(DraftClaim(f"About {question}.", (0,)),),
        sections=tuple(DraftSection(f"H{i}", (DraftClaim("Body.", (0,)),)) for i in "abc"),
        limitations=(),
        sources=(DraftSource(title="Source", url="https://example.org/s"),),
        follow_ups=(f"Next{SET_CLIPBOARD}?", "Two?", "Three?"),
        engine=EngineInfo(backend="test", writer="test", version="1"),
    )


def test_chat_echoes_a_picked_follow_up_without_its_escape_codes() -> None:
    store = MemoryStore()
    backend = ScriptedBackend(write=hostile_draft, cache_namespace="console-tests")
    desk = QuestionDesk.over(AnswerEngine(backend, store), store)
    lines = iter(["What is a cache?", "1", None])

    def read_line(prompt: str) -> str | None:
        return next(lines)

    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=120, highlight=False)
    with asyncio.Runner() as runner:
        run_chat(desk, console, runner, read_line=read_line)
    output = out.getvalue()
    assert "Asking: Next]52;c;ZWNobyBoaQ==?" in output
    assert "\x1b]52" not in output


def test_a_claims_code_is_printed_as_code_whatever_it_holds() -> None:
    code = "[bold red]not bold[/]\n```\n@everyone \\"
    answer = small_answer(
        summary=(DraftClaim("Run this:", (0,), code=code),), source_url="docs/guide.md"
    )
    out = io.StringIO()
    Console(file=out, width=120, color_system=None).print(render_answer(answer))
    lines = out.getvalue().splitlines()
    start = lines.index("Run this: [1]")
    assert lines[start + 1 : start + 4] == [
        "    [bold red]not bold[/]",
        "    ```",
        "    @everyone \\",
    ]


@pytest.mark.parametrize("name", EXTREME)
def test_every_extreme_report_prints_whole_and_only_printable(name: str) -> None:
    answer = EXTREME[name]
    output = shown(answer)
    assert "\x1b]52" not in output and "\x00" not in output
    for claim in answer.summary:
        assert claim.text.split()[0] in output
        if claim.code:
            assert claim.code.splitlines()[0][:4] in output
