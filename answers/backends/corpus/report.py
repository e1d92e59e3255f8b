"""What a sync of the corpus index found: each file's fate, and progress on the way."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

__all__ = [
    "CorpusIndexReport",
    "FileStatus",
    "IndexProgress",
    "IndexProgressCallback",
    "IndexedFile",
]

FileStatus = Literal["added", "changed", "unchanged", "removed", "skipped"]


@dataclass(frozen=True)
class IndexProgress:
    """How far `sync` is: files and bytes looked at so far, out of the folder's."""

    files_done: int
    files_total: int
    bytes_done: int
    bytes_total: int
    path: str  # the file just looked at


IndexProgressCallback = Callable[[IndexProgress], None]


@dataclass(frozen=True)
class IndexedFile:
    path: str
    status: FileStatus
    title: str = ""
    passages: int = 0
    note: str = ""


@dataclass(frozen=True)
class CorpusIndexReport:
    """What `sync` found: the documents indexed, and whether anything had to be re-read."""

    folder: Path
    index_path: Path | None  # None: the index is in memory
    documents: int
    passages: int
    rebuilt: bool
    fingerprint: str  # changes whenever a document's content changes
    files: tuple[IndexedFile, ...]

    @property
    def skipped(self) -> tuple[IndexedFile, ...]:
        return tuple(f for f in self.files if f.status == "skipped")

    def describe(self) -> str:
        """Lines for `factbot index`: a headline, then one line per file."""
        where = (
            str(self.index_path) if self.index_path else "memory (the index path is not writable)"
        )
        counts: dict[str, int] = {}
        for f in self.files:
            counts[f.status] = counts.get(f.status, 0) + 1
        change = ", ".join(f"{n} {status}" for status, n in counts.items() if status != "unchanged")
        state = f"updated: {change}" if self.rebuilt else "unchanged since the last run"
        lines = [
            f"Indexed {self.documents} documents ({self.passages} passages) from {self.folder}",
            f"Index: {where} ({state})",
        ]
        for f in self.files:
            detail = f.note if f.status == "skipped" else f"{f.title} ({f.passages} passages)"
            lines.append(f"  {f.status:<9} {f.path}: {detail}")
        if not self.files:
            lines.append("  (no .md, .txt or .html files found)")
        return "\n".join(lines)
