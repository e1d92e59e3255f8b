"""The corpus index: passages of every document in a SQLite FTS5 table, searched with BM25.

The index file keeps a manifest of the files it holds (path, size, mtime_ns,
SHA-256 of the content). `sync()` compares the folder with it and re-reads
only files whose size or modification time changed, re-parses only those
whose content hash changed, and drops the files that are gone; a file
modified within `RACY_SECONDS` of being hashed is hashed again next time,
since a quick second write can keep the same size and timestamp.

When the index path cannot be written (read-only disk, no home directory)
the index lives in memory for the life of the process instead. Two
processes sharing one index file take turns (`BEGIN IMMEDIATE`).

Every method blocks; async callers run them in `asyncio.to_thread`. One lock
guards the connection, so the methods may be called from any thread.

The module runs a little over 350 lines because the connection (opened, waited
for, or kept in memory) and the sync that runs in its transaction share one
lock and belong to one class.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from answers.backends.corpus.database import (
    PASSAGE_COLUMNS,
    SCHEMA_VERSION,
    Known,
    create_schema,
    forget,
    passages_of,
    read_manifest,
    store_document,
)
from answers.backends.corpus.documents import (
    PARSER_VERSION,
    Chunk,
    Document,
    format_of,
    looks_binary,
    passages,
    read_document,
)
from answers.backends.corpus.folder import ScannedFile, read_inside, resolve_index_path, scan_folder
from answers.backends.corpus.report import (
    CorpusIndexReport,
    FileStatus,
    IndexedFile,
    IndexProgress,
    IndexProgressCallback,
)
from answers.backends.corpus.search import CorpusMatches, search_index
from answers.evidence import Passage
from answers.ranking.question import Query, analyse_question

__all__ = ["MAX_FILE_BYTES", "RACY_SECONDS", "CorpusIndex", "ParseDocument", "parse_document"]

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 32 * 1024 * 1024
RACY_SECONDS = 2.0
LOCKED_RETRIES = 60  # about 25 s of waiting for another indexer before giving up

# (path relative to the folder, the file's bytes, the folder's name) -> the document and its passages
ParseDocument = Callable[[str, bytes, str], tuple[Document, list[Chunk]]]


def parse_document(path: str, raw: bytes, folder_name: str) -> tuple[Document, list[Chunk]]:
    """One file's document and passages (CPU-bound: the corpus backend runs it in a worker)."""
    document = read_document(path, raw, folder_name=folder_name)
    return document, passages(document)


class CorpusIndex:
    """The searchable passages of one folder; see the module docstring."""

    def __init__(
        self,
        folder: Path,
        *,
        index_path: Path | None = None,
        parse: ParseDocument = parse_document,
        max_file_bytes: int = MAX_FILE_BYTES,
    ) -> None:
        self.folder = folder.resolve()
        self.index_path = resolve_index_path(folder, index_path)
        self.parse = parse
        self.max_file_bytes = max_file_bytes
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._is_in_memory = False
        self._has_fts = True
        self._synced: dict[str, tuple[int, int]] | None = None  # path -> (size, mtime_ns)
        self._racy_until = 0.0

    @property
    def is_in_memory(self) -> bool:
        return self._is_in_memory

    # --- connection -----------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if self._conn is not None:
            return self._conn
        try:
            self.index_path.parent.mkdir(parents=True, exist_ok=True)
            try:
                self._conn = self._open_shared(str(self.index_path))
            except sqlite3.DatabaseError as exc:
                if isinstance(exc, sqlite3.OperationalError):
                    raise
                log.warning(
                    "the corpus index %s is damaged (%s); rebuilding it", self.index_path, exc
                )
                self._remove_index_files()
                self._conn = self._open(str(self.index_path))
        except (sqlite3.Error, OSError) as exc:
            log.warning(
                "cannot write the corpus index at %s (%s); keeping it in memory instead",
                self.index_path,
                exc,
            )
            self._conn = self._open(":memory:")
            self._is_in_memory = True
        return self._conn

    def _open_shared(self, where: str) -> sqlite3.Connection:
        """Open the index file, waiting while another process or thread holds it.

        Switching to WAL can fail at once with "database is locked" (SQLite's busy timeout
        does not cover it), which must not send this index to memory.
        """
        for attempt in range(LOCKED_RETRIES):
            try:
                return self._open(where)
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                time.sleep(min(0.05 * (attempt + 1), 0.5))
        return self._open(where)

    def _remove_index_files(self) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{self.index_path}{suffix}").unlink(missing_ok=True)

    def _open(self, where: str) -> sqlite3.Connection:
        conn = sqlite3.connect(where, timeout=30.0, isolation_level=None, check_same_thread=False)
        try:
            if where != ":memory:":
                conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("BEGIN IMMEDIATE")  # also proves the file can be written
            try:
                if not create_schema(conn):
                    self._has_fts = False
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        except BaseException:
            conn.close()
            raise
        return conn

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            self._synced = None  # an index kept in memory is gone: the next use syncs again

    # --- keeping up with the folder -----------------------------------------------------

    def is_current(self) -> bool:
        """True if no file was added, removed or touched since the last `sync` (stat only)."""
        if self._synced is None or time.time() < self._racy_until:
            return False
        scanned = scan_folder(self.folder)
        return {f.path: (f.size, f.mtime_ns) for f in scanned} == self._synced

    def sync(self, progress: IndexProgressCallback | None = None) -> CorpusIndexReport:
        """Bring the index up to date with the folder and say what changed; `progress` hears
        about every file looked at (from this thread)."""
        with self._lock:
            conn = self._connect()
            scanned = scan_folder(self.folder)
            if self._needs_update(scanned, read_manifest(conn)):
                conn.execute("BEGIN IMMEDIATE")
                try:  # read the manifest again: another process may have just synced
                    files = self._update(conn, scanned, read_manifest(conn), progress)
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
            else:
                files = self._unchanged(conn, scanned)
            return self._report(conn, scanned, files)

    def _needs_update(self, scanned: list[ScannedFile], manifest: dict[str, Known]) -> bool:
        readable = [f for f in scanned if not f.skipped]
        if {f.path for f in readable} != set(manifest):
            return True
        return any(self._is_untrusted(f, manifest[f.path]) for f in readable)

    @staticmethod
    def _is_untrusted(file: ScannedFile, known: Known) -> bool:
        """The stat differs, or the file changed so close to its hashing that it may differ."""
        if (file.size, file.mtime_ns) != (known.size, known.mtime_ns):
            return True
        return file.mtime_ns + int(RACY_SECONDS * 1e9) >= known.hashed_ns

    def _unchanged(self, conn: sqlite3.Connection, scanned: list[ScannedFile]) -> list[IndexedFile]:
        manifest = read_manifest(conn)
        return [
            IndexedFile(f.path, "skipped", note=f.skipped)
            if f.skipped
            else IndexedFile(f.path, "unchanged", manifest[f.path].title, manifest[f.path].passages)
            for f in scanned
        ]

    def _update(
        self,
        conn: sqlite3.Connection,
        scanned: list[ScannedFile],
        manifest: dict[str, Known],
        progress: IndexProgressCallback | None = None,
    ) -> list[IndexedFile]:
        results: list[IndexedFile] = []
        present = {f.path for f in scanned}  # a file now skipped is forgotten below
        for path in sorted(set(manifest) - present):
            forget(conn, path, has_fts=self._has_fts)
            results.append(IndexedFile(path, "removed", manifest[path].title))
        bytes_total = sum(f.size for f in scanned)
        bytes_done = 0
        for done, file in enumerate(scanned, start=1):
            known = manifest.get(file.path)
            if file.skipped:
                forget(conn, file.path, has_fts=self._has_fts)
                results.append(IndexedFile(file.path, "skipped", note=file.skipped))
            elif known is not None and not self._is_untrusted(file, known):
                results.append(IndexedFile(file.path, "unchanged", known.title, known.passages))
            else:
                results.append(self._read_file(conn, file, known))
            bytes_done += file.size
            if progress is not None:
                progress(IndexProgress(done, len(scanned), bytes_done, bytes_total, file.path))
        return results

    def _read_file(
        self, conn: sqlite3.Connection, file: ScannedFile, known: Known | None
    ) -> IndexedFile:
        if file.size > self.max_file_bytes:
            forget(conn, file.path, has_fts=self._has_fts)
            return IndexedFile(
                file.path, "skipped", note=f"larger than {self.max_file_bytes} bytes"
            )
        hashed_ns = time.time_ns()
        try:
            raw = read_inside(self.folder, file.absolute, limit=self.max_file_bytes)
        except OSError as exc:
            forget(conn, file.path, has_fts=self._has_fts)
            return IndexedFile(file.path, "skipped", note=f"could not be read: {exc.strerror}")
        if looks_binary(raw, is_html=format_of(file.path) == "html"):
            forget(conn, file.path, has_fts=self._has_fts)
            return IndexedFile(
                file.path, "skipped", note="not text (binary, or not UTF-8 or UTF-16)"
            )
        sha = hashlib.sha256(raw).hexdigest()
        if known is not None and known.sha256 == sha:
            conn.execute(
                "UPDATE files SET size = ?, mtime_ns = ?, hashed_ns = ? WHERE path = ?",
                (file.size, file.mtime_ns, hashed_ns, file.path),
            )
            return IndexedFile(file.path, "unchanged", known.title, known.passages)
        try:
            document, found = self.parse(file.path, raw, self.folder.name)
        except Exception as exc:  # one unreadable document must not stop the others
            log.warning("could not parse %s: %s", file.absolute, exc, exc_info=True)
            forget(conn, file.path, has_fts=self._has_fts)
            return IndexedFile(file.path, "skipped", note=f"could not be parsed: {exc}")
        forget(conn, file.path, has_fts=self._has_fts)
        store_document(
            conn,
            file,
            hashed_ns=hashed_ns,
            sha=sha,
            document=document,
            found=found,
            has_fts=self._has_fts,
        )
        status: FileStatus = "added" if known is None else "changed"
        return IndexedFile(file.path, status, document.title, len(found))

    def _report(
        self, conn: sqlite3.Connection, scanned: list[ScannedFile], files: list[IndexedFile]
    ) -> CorpusIndexReport:
        rows = conn.execute("SELECT path, sha256 FROM files ORDER BY path").fetchall()
        digest = hashlib.sha256(f"{SCHEMA_VERSION}.{PARSER_VERSION}\n{self.folder.name}\n".encode())
        for path, sha in rows:
            digest.update(f"{path}\t{sha}\n".encode())
        (total,) = conn.execute("SELECT COUNT(*) FROM passages").fetchone()
        self._synced = {f.path: (f.size, f.mtime_ns) for f in scanned}
        newest = max((f.mtime_ns for f in scanned), default=0) / 1e9
        self._racy_until = newest + RACY_SECONDS
        files.sort(key=lambda f: f.path)
        return CorpusIndexReport(
            folder=self.folder,
            index_path=None if self._is_in_memory else self.index_path,
            documents=len(rows),
            passages=int(total),
            rebuilt=any(f.status in ("added", "changed", "removed") for f in files),
            fingerprint=digest.hexdigest(),
            files=tuple(files),
        )

    # --- searching ------------------------------------------------------------------

    def search(
        self, question: str | Query, *, limit: int, extra_terms: Sequence[str] = ()
    ) -> CorpusMatches:
        """The passages best matching the question, best first: BM25 (headings and titles
        weigh more) over the index, then re-ranked by how much of the question each one holds
        (`answers.ranking.coverage_of`). `extra_terms` (an earlier question's key words) join
        the search at lower weight."""
        query = (
            question
            if isinstance(question, Query)
            else analyse_question(question, context=[" ".join(extra_terms)] if extra_terms else ())
        )
        with self._lock:
            conn = self._connect()
            return search_index(conn, query, limit=limit, has_fts=self._has_fts)

    def overview(self, *, limit: int) -> list[Passage]:
        """The opening passages of every document (then the second ones, ...): what the corpus
        covers, for suggesting questions it can answer."""
        with self._lock:
            conn = self._connect()
            rows = conn.execute(
                f"SELECT {PASSAGE_COLUMNS} FROM passages p JOIN files f ON f.path = p.path "
                "ORDER BY p.ordinal, p.path LIMIT ?",
                (limit,),
            ).fetchall()
            return passages_of(conn, rows)

    def document_count(self) -> int:
        with self._lock:
            (count,) = self._connect().execute("SELECT COUNT(*) FROM files").fetchone()
            return int(count)
