"""`factbot chat`: ask in a loop; typing a follow-up's number asks it (the terminal's button).

The prompt is read on the main thread while the event loop is idle, with the standard `readline`
module when the terminal has one: arrow keys edit the line, Up and Down walk the history (kept
between sessions), and Ctrl-C or Ctrl-D at the prompt leave at once, the terminal restored.
Each question then runs on the loop; Ctrl-C while it researches stops that question only.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from adapters.console.render import render_answer
from adapters.desk import QuestionDesk
from adapters.text import printable
from adapters.wording import describe_error
from answers import Answer, FactbotError, Progress

PLATFORM = "console"
USER = "local"
QUIT_WORDS = frozenset({"quit", "exit", ":q"})
HELP = "Type a question, a follow-up's number to ask it, or 'quit' (Ctrl-D)."
PROMPT = "? "
HISTORY_LINES = 1000

# Returns the line typed, None at the end of input; raises KeyboardInterrupt on Ctrl-C.
ReadLine = Callable[[str], str | None]


@dataclass(frozen=True)
class NoSuchFollowUp:
    """A number that picks no follow-up: the reply names the numbers that do."""

    number: int
    count: int  # follow-ups of the last answer; 0 when nothing was answered yet

    def describe(self) -> str:
        if self.count == 0:
            return "There are no follow-ups yet: ask a question first, then type a number."
        return f"There is no follow-up {self.number}: type 1 to {self.count}, or a question."


def pick_question(line: str, last: Answer | None) -> str | NoSuchFollowUp:
    """A number picks a follow-up of the last answer; anything else is the question itself."""
    text = line.strip()
    if not (text.isascii() and text.isdigit()):
        return text
    count = len(last.follow_ups) if last is not None else 0
    number = int(text)
    if last is None or not 1 <= number <= count:
        return NoSuchFollowUp(number, count)
    return last.follow_ups[number - 1]


def history_path() -> Path:
    """`$XDG_STATE_HOME/factbot/chat_history`, else `~/.local/state/factbot/chat_history`."""
    state = os.environ.get("XDG_STATE_HOME", "")
    base = Path(state) if state and Path(state).is_absolute() else Path.home() / ".local/state"
    return base / "factbot" / "chat_history"


class TerminalInput:
    """`input()` with line editing and a saved history when stdin is a terminal."""

    def __init__(self, history: Path | None = None) -> None:
        self.history = history
        self._readline = None
        if sys.stdin.isatty() and sys.stdout.isatty():
            try:
                import readline  # line editing for input(); missing on some platforms
            except ImportError:
                return
            self._readline = readline
            readline.set_history_length(HISTORY_LINES)
            if history is not None:
                try:
                    readline.read_history_file(history)
                except OSError:  # the first session, or an unreadable file: start empty
                    pass

    def __call__(self, prompt: str) -> str | None:
        try:
            return input(prompt)
        except EOFError:
            return None

    def save(self) -> None:
        if self._readline is None or self.history is None:
            return
        try:
            self.history.parent.mkdir(parents=True, exist_ok=True)
            self._readline.write_history_file(self.history)
        except OSError:  # a read-only home must not spoil leaving the chat
            pass


async def ask_and_show(
    desk: QuestionDesk, question: str, console: Console, *, refresh: bool = False
) -> Answer:
    with console.status("Researching…") as status:

        async def show(event: Progress) -> None:
            status.update(printable(event.describe()))

        outcome = await desk.ask(PLATFORM, USER, question, refresh=refresh, progress=show)
    console.print(render_answer(outcome.answer, is_stale=desk.is_stale(outcome.answer)))
    return outcome.answer


def run_chat(
    desk: QuestionDesk, console: Console, runner: asyncio.Runner, *, read_line: ReadLine
) -> None:
    """The chat loop: lines are read off the loop, each question runs on `runner`."""
    console.print(HELP, style="dim")
    last: Answer | None = None
    while True:
        try:
            line = read_line(PROMPT)
        except KeyboardInterrupt:  # Ctrl-C at the prompt: leave on a fresh line
            console.print()
            return
        if line is None:  # Ctrl-D, or the end of piped input
            if console.is_terminal:
                console.print()
            return
        if line.strip().lower() in QUIT_WORDS:
            return
        if not line.strip():
            continue
        question = pick_question(line, last)
        if isinstance(question, NoSuchFollowUp):
            console.print(question.describe(), style="yellow", markup=False)
            continue
        if question != line.strip():
            console.print(f"Asking: {printable(question)}", style="dim", markup=False)
        try:
            last = runner.run(ask_and_show(desk, question, console))
        except KeyboardInterrupt:  # Ctrl-C while researching: drop this question, keep chatting
            console.print("Stopped that question.", style="dim")
        except FactbotError as exc:
            console.print(describe_error(exc), style="red", markup=False)
