"""`factbot chat`: ask in a loop; typing a follow-up's number asks it (the terminal's button)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from rich.console import Console

from adapters.console.render import render_answer
from adapters.desk import QuestionDesk
from adapters.text import printable
from adapters.wording import describe_error
from answers import Answer, FactbotError, Progress

PLATFORM = "console"
USER = "local"
QUIT_WORDS = frozenset({"quit", "exit", ":q"})
HELP = "Type a question, a follow-up's number to ask it, or 'quit'."

ReadLine = Callable[[str], Awaitable[str | None]]


async def _read_stdin(prompt: str) -> str | None:
    try:
        return await asyncio.to_thread(input, prompt)
    except EOFError:
        return None


def pick_question(line: str, last: Answer | None) -> str:
    """A number picks a follow-up of the last answer; anything else is the question itself."""
    text = line.strip()
    if last is not None and text.isdigit() and 1 <= int(text) <= len(last.follow_ups):
        return last.follow_ups[int(text) - 1]
    return text


async def ask_and_show(
    desk: QuestionDesk, question: str, console: Console, *, refresh: bool = False
) -> Answer:
    with console.status("Researching…") as status:

        async def show(event: Progress) -> None:
            status.update(printable(event.describe()))

        outcome = await desk.ask(PLATFORM, USER, question, refresh=refresh, progress=show)
    console.print(render_answer(outcome.answer, is_stale=desk.is_stale(outcome.answer)))
    return outcome.answer


async def run_chat(
    desk: QuestionDesk, console: Console, *, read_line: ReadLine = _read_stdin
) -> None:
    console.print(HELP, style="dim")
    last: Answer | None = None
    while True:
        line = await read_line("? ")
        if line is None or line.strip().lower() in QUIT_WORDS:
            return
        if not line.strip():
            continue
        question = pick_question(line, last)
        if question != line.strip():
            console.print(f"Asking: {printable(question)}", style="dim", markup=False)
        try:
            last = await ask_and_show(desk, question, console)
        except FactbotError as exc:
            console.print(describe_error(exc), style="red", markup=False)
