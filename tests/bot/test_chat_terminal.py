"""`factbot chat` in a real pseudo-terminal: keys are typed as a person types them (arrows, Up for
history, Ctrl-C, Ctrl-D) and the screen is read back."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # every test here starts another process

ROOT = Path(__file__).resolve().parents[2]
QUESTION = "How does factbot cache answers?"
LEFT, UP = "\x1b[D", "\x1b[A"
CTRL_C, CTRL_D = "\x03", "\x04"
ANSI = re.compile(r"\x1b(?:\[[0-9;?]*[A-Za-z]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[()][A-Z0-9]|[=>])")
WAIT_SECONDS = 30.0
PROMPT = r"(?m)^\? "  # each prompt starts a line


def _become_the_terminals_session() -> None:
    """In the child: a session of its own whose controlling terminal is the pty, so Ctrl-C
    typed there reaches it as SIGINT, handled as in a shell (a test runner started in the
    background may ignore SIGINT, and children inherit that)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Terminal:
    def __init__(self, tmp_path: Path) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 120, 0, 0))
        self.state = tmp_path / "state"
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "TERM": "xterm",
            "INPUTRC": os.devnull,  # the person's own readline settings stay out of the test
            "HOME": str(tmp_path),
            "XDG_STATE_HOME": str(self.state),
            "FACTBOT_CORPUS_INDEX": str(tmp_path / "index.sqlite3"),
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "chat"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=tmp_path,
            preexec_fn=_become_the_terminals_session,
        )
        os.close(slave)
        self.raw = ""

    @property
    def screen(self) -> str:
        """What was written, without escape sequences."""
        return ANSI.sub("", self.raw)

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # the child closed the terminal
            return False
        if not chunk:
            return False
        self.raw += chunk.decode("utf-8", errors="replace")
        return True

    def expect(self, pattern: str, *, count: int = 1) -> None:
        """Wait until `pattern` (a regular expression) was printed `count` times."""
        deadline = time.monotonic() + WAIT_SECONDS
        while len(re.findall(pattern, self.screen)) < count:
            if time.monotonic() > deadline or not self._read(0.1):
                pytest.fail(f"never saw {pattern!r} ×{count}; the screen:\n{self.screen[-3000:]}")

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def exit_code(self) -> int:
        deadline = time.monotonic() + WAIT_SECONDS
        while self.process.poll() is None and time.monotonic() < deadline:
            self._read(0.05)
        while self._read(0.05) and time.monotonic() < deadline:
            if not select.select([self.master], [], [], 0)[0]:
                break
        code = self.process.poll()
        assert code is not None, f"chat did not exit; the screen:\n{self.screen[-2000:]}"
        return code

    def line_settings(self) -> int:
        return int(termios.tcgetattr(self.master)[3])

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        os.close(self.master)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    term = Terminal(tmp_path)
    term.expect(PROMPT)
    yield term
    term.close()


def test_arrow_keys_edit_the_line_and_up_recalls_the_last_question(terminal: Terminal) -> None:
    terminal.type(QUESTION.replace("answers?", "?") + LEFT + "answers\r")
    title_then_date = re.escape(QUESTION) + r"\s*\r?\n\s*Checked on"
    terminal.expect(title_then_date)
    terminal.expect(PROMPT, count=2)
    terminal.type(UP + "\r")  # the same question again, from the history
    terminal.expect(title_then_date, count=2)
    terminal.expect(PROMPT, count=3)
    terminal.type(CTRL_D)
    assert terminal.exit_code() == 0
    history = (terminal.state / "factbot" / "chat_history").read_text()
    assert QUESTION in history  # kept for the next session


@pytest.mark.parametrize("number", ["9", "0"])
def test_a_number_outside_the_follow_ups_gets_the_valid_range(
    terminal: Terminal, number: str
) -> None:
    terminal.type(number + "\r")
    terminal.expect(r"There are no follow-ups yet")
    terminal.type(QUESTION + "\r")
    terminal.expect(r"Want to dive deeper\?")
    terminal.expect(PROMPT, count=3)
    terminal.type(number + "\r")
    terminal.expect(rf"There is no follow-up {number}: type 1 to [3-5], or a question\.")
    assert "Asking:" not in terminal.screen  # nothing was asked


def test_ctrl_c_at_the_prompt_leaves_at_once_and_restores_the_terminal(
    terminal: Terminal,
) -> None:
    terminal.type("half a quest")
    terminal.expect("half a quest")
    # As a person does, not within microseconds of the echo: CPython's readline loses a SIGINT
    # that lands while it is still redrawing the line, before it waits for the next key.
    time.sleep(0.3)
    terminal.type(CTRL_C)  # no Enter needed
    assert terminal.exit_code() == 0
    assert terminal.raw.endswith("\n")
    assert "Traceback" not in terminal.screen and "KeyboardInterrupt" not in terminal.screen
    flags = terminal.line_settings()
    assert flags & termios.ICANON and flags & termios.ECHO  # line editing mode is undone


def test_ctrl_d_at_the_prompt_leaves_on_a_fresh_line(terminal: Terminal) -> None:
    terminal.type(CTRL_D)
    assert terminal.exit_code() == 0
    assert terminal.screen.rstrip(" ").endswith("? \r\n") or terminal.screen.endswith("?\r\n")
