"""`factbot index` shows its progress on stderr: a bar on a terminal, plain lines when piped."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from answers.backends.corpus import CorpusIndex, IndexProgress

ROOT = Path(__file__).resolve().parents[2]
FILES = 30


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    kb = tmp_path / "kb"
    kb.mkdir()
    for n in range(FILES):
        (kb / f"note-{n:02}.md").write_text(
            f"# Note {n}\n\n" + f"Paragraph {n} says something about topic {n}. " * (20 + n) + "\n"
        )
    return kb


def index_command(folder: Path, tmp_path: Path) -> tuple[list[str], dict[str, str]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "120", "TERM": "xterm"}
    env["FACTBOT_CORPUS_INDEX"] = str(tmp_path / "index.sqlite3")
    return [sys.executable, "-m", "bot.cli", "index", str(folder)], env


def test_sync_reports_every_file_with_running_totals(folder: Path, tmp_path: Path) -> None:
    seen: list[IndexProgress] = []
    index = CorpusIndex(folder, index_path=tmp_path / "index.sqlite3")
    index.sync(seen.append)
    index.close()
    sizes = sorted(p.stat().st_size for p in folder.iterdir())
    assert [e.files_done for e in seen] == list(range(1, FILES + 1))
    assert {e.files_total for e in seen} == {FILES}
    assert {e.bytes_total for e in seen} == {sum(sizes)}
    assert [e.bytes_done for e in seen] == sorted(e.bytes_done for e in seen)
    assert seen[-1].bytes_done == sum(sizes)


@pytest.mark.slow
def test_piped_progress_is_a_few_plain_lines(folder: Path, tmp_path: Path) -> None:
    command, env = index_command(folder, tmp_path)
    result = subprocess.run(
        command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert 2 <= len(lines) <= 10, lines  # every tenth of the files, not one line per file
    assert all(
        re.fullmatch(r"indexing: \d+/30 files, [\d.]+ kB of [\d.]+ kB(, about \d+ s left)?", line)
        for line in lines
    ), lines
    assert lines[-1].startswith("indexing: 30/30 files")
    assert "\x1b" not in result.stderr  # no terminal codes in a pipe
    assert "note-29.md" in result.stdout  # the listing stays on stdout


@pytest.mark.slow
def test_a_terminal_gets_a_bar_with_files_bytes_and_time(folder: Path, tmp_path: Path) -> None:
    command, env = index_command(folder, tmp_path)
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
    process = subprocess.Popen(
        command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=slave, text=True
    )
    os.close(slave)
    stdout, _ = process.communicate(timeout=120)
    screen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal and everything was read
            break
        if not chunk:
            break
        screen += chunk
    os.close(master)
    assert process.returncode == 0
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen.decode())
    assert "━" in shown  # the bar
    assert "100%" in shown and "30/30 files" in shown
    assert re.search(r"[\d.]+/[\d.]+ kB", shown)  # bytes done of bytes in all
    assert re.search(r"\d\d:\d\d", shown)  # time left, then the time it took
    assert "indexing:" not in shown  # not the plain lines
    assert "note-29.md" in stdout
