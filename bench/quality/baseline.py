"""The plain baseline: BM25 over the passages factbot indexed, its top 3 as the "summary".

Deliberately plain: one FTS5 table over the passage text (SQLite's porter +
unicode61 tokenizer, default BM25 parameters), every word of the question
OR-ed together, no stop words, no weights, no coverage rule. It says "not
covered" only when no passage shares a single word with the question.
"""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path

from bench.quality.scoring import Reply, SummaryClaim

__all__ = ["BM25Baseline", "BaselineError"]

TOP = 3
_TOKEN = re.compile(r"[^\W_]+")  # what unicode61 keeps as a token (letters and digits)


class BaselineError(RuntimeError):
    """The index file does not hold passages the way the baseline reads them."""


class BM25Baseline:
    def __init__(self, rows: list[tuple[str, str]]) -> None:
        """`rows`: (page, passage text), in index order."""
        self._conn = sqlite3.connect(":memory:")
        self._conn.execute(
            "CREATE VIRTUAL TABLE p USING fts5(page UNINDEXED, text, tokenize = 'porter unicode61')"
        )
        self._conn.executemany("INSERT INTO p(page, text) VALUES (?, ?)", rows)
        self.passages = len(rows)

    @classmethod
    def from_index(cls, index_path: Path) -> BM25Baseline:
        """The passages factbot indexed, read from its index file (table `passages`)."""
        conn = sqlite3.connect(f"file:{index_path}?mode=ro", uri=True)
        try:
            rows = conn.execute(
                "SELECT path, text FROM passages WHERE trim(text) != '' ORDER BY path, ordinal"
            ).fetchall()
        except sqlite3.Error as exc:
            raise BaselineError(
                f"cannot read factbot's passages from {index_path} ({exc}); the baseline reads "
                "the index's `passages` table (path, ordinal, text): update bench/quality/"
                "baseline.py if the index schema changed"
            ) from exc
        finally:
            conn.close()
        if not rows:
            raise BaselineError(f"factbot's index {index_path} holds no passages")
        return cls([(str(path), str(text)) for path, text in rows])

    def ask(self, question: str) -> Reply:
        start = time.perf_counter()
        words = sorted({w.lower() for w in _TOKEN.findall(question)})
        found: list[tuple[str, str]] = []
        if words:
            query = " OR ".join(f'"{w}"' for w in words)
            found = self._conn.execute(
                "SELECT page, text FROM p WHERE p MATCH ? ORDER BY bm25(p), rowid LIMIT ?",
                (query, TOP),
            ).fetchall()
        claims = tuple(SummaryClaim(text, frozenset({page})) for page, text in found)
        return Reply(
            summary=claims,
            pages=frozenset(page for page, _ in found),
            seconds=time.perf_counter() - start,
        )

    def close(self) -> None:
        self._conn.close()
