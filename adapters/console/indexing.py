"""Progress of `factbot index` on stderr: a bar (files, bytes, time left) on a terminal, a few
plain lines (every tenth of the files) when stderr is a pipe or a file.

`show_index_progress()` is a context manager giving the callback `CorpusIndex.sync` calls from
its worker thread; both displays may be called from any thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO

from rich.console import Console
from rich.filesize import decimal
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)

from answers.backends.corpus import IndexProgress

STEPS = 10  # plain lines: one each time another tenth of the files is done


def describe_progress(event: IndexProgress, elapsed: float) -> str:
    """One plain line: files, bytes and, once it can be guessed, the time left."""
    line = (
        f"indexing: {event.files_done}/{event.files_total} files, "
        f"{decimal(event.bytes_done)} of {decimal(event.bytes_total)}"
    )
    if event.files_done < event.files_total and event.bytes_done and elapsed > 0:
        left = elapsed * (event.bytes_total - event.bytes_done) / event.bytes_done
        line += f", about {max(1, round(left))} s left"
    return line


class PlainLines:
    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.started = time.monotonic()
        self.step = 0
        self._lock = threading.Lock()

    def __call__(self, event: IndexProgress) -> None:
        step = STEPS * event.files_done // max(1, event.files_total)
        with self._lock:
            if step <= self.step:  # the last file makes the last step: printed once
                return
            self.step = step
            line = describe_progress(event, time.monotonic() - self.started)
            self.stream.write(line + "\n")
            self.stream.flush()


class Bar:
    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task = progress.add_task("Indexing", total=None, files="")

    def __call__(self, event: IndexProgress) -> None:
        self.progress.update(
            self.task,
            total=event.bytes_total,
            completed=event.bytes_done,
            files=f"{event.files_done}/{event.files_total} files",
        )


@contextmanager
def show_index_progress(console: Console) -> Iterator[Callable[[IndexProgress], None]]:
    """The callback for `index_corpus(progress=...)`, drawing on `console` (stderr)."""
    if not console.is_terminal:
        yield PlainLines(console.file)
        return
    progress = Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[files]}"),
        DownloadColumn(),
        TextColumn("·"),
        TimeRemainingColumn(compact=True, elapsed_when_finished=True),
        console=console,
        transient=False,
    )
    with progress:
        yield Bar(progress)
