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
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from stat import S_ISLNK, S_ISREG
from typing import Literal

from answers.backends.corpus.documents import (
    FORMATS,
    PARSER_VERSION,
    Chunk,
    Document,
    format_of,
    looks_binary,
    passages,
    read_document,
)
from answers.evidence import CodeBlock, Passage
from answers.ingest.words import index_token, span_terms, terms
from answers.model import DraftSource
from answers.ranking import (
    Bm25,
    Query,
    analyse_question,
    combined_score,
    corrected,
    coverage_of,
    focus_of,
    idf_of,
    passage_terms,
    rank_passages,
    rarest_terms,
    term_weights,
)

__all__ = [
    "CorpusIndex",
    "CorpusIndexReport",
    "CorpusMatches",
    "IndexProgress",
    "IndexProgressCallback",
    "IndexedFile",
    "ScannedFile",
    "default_index_path",
    "parse_document",
    "read_inside",
    "resolve_index_path",
    "scan_folder",
]

log = logging.getLogger(__name__)

SCHEMA_VERSION = "2"
MAX_FILE_BYTES = 32 * 1024 * 1024
RACY_SECONDS = 2.0
LOCKED_RETRIES = 60  # about 25 s of waiting for another indexer before giving up
# bm25() weights per FTS column: a word in the title or a heading says more than one in a paragraph.
FTS_WEIGHTS = (2.0, 3.0, 1.0, 1.0, 0.5)  # title, heading, parents, text, code (code and tables)
MAX_QUERY_TERMS = 32
CANDIDATES = 80  # passages BM25 hands to re-ranking
NEIGHBOUR_REACH = 6  # headings this many passages either side of a passage are its neighbours

FileStatus = Literal["added", "changed", "unchanged", "removed", "skipped"]
# (path relative to the folder, the file's bytes, the folder's name) -> the document and its passages
ParseDocument = Callable[[str, bytes, str], tuple[Document, list[Chunk]]]


def parse_document(path: str, raw: bytes, folder_name: str) -> tuple[Document, list[Chunk]]:
    """One file's document and passages (CPU-bound: the corpus backend runs it in a worker)."""
    document = read_document(path, raw, folder_name=folder_name)
    return document, passages(document)


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files(
    path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
    hashed_ns INTEGER NOT NULL, sha256 TEXT NOT NULL, title TEXT NOT NULL, url TEXT NOT NULL,
    publisher TEXT NOT NULL, published TEXT, passages INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS passages(
    id INTEGER PRIMARY KEY, path TEXT NOT NULL, ordinal INTEGER NOT NULL,
    heading TEXT NOT NULL, parents TEXT NOT NULL, text TEXT NOT NULL, code TEXT NOT NULL,
    part INTEGER NOT NULL, spans TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS passages_by_path ON passages(path, ordinal);
"""
# The columns hold search terms (`answers.ingest.words.terms`, spelt by `index_token`), not
# text: the tokenizer only splits them at spaces, so names and operators stay whole.
_FTS_SCHEMA = """
CREATE VIRTUAL TABLE IF NOT EXISTS passages_fts USING fts5(
    title, heading, parents, text, code, tokenize = "unicode61 remove_diacritics 0 tokenchars '_'");
"""
_VOCABULARY = "CREATE VIRTUAL TABLE IF NOT EXISTS temp.passages_vocab USING fts5vocab(main, passages_fts, 'row')"
_PASSAGE_COLUMNS = (
    "p.path, p.ordinal, p.heading, p.parents, p.text, p.code, f.title, f.url, f.publisher, "
    "f.published, p.part, p.spans"
)


def _run_script(conn: sqlite3.Connection, script: str) -> None:
    """Statement by statement: `executescript` would commit the open transaction."""
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def cache_home() -> Path:
    """`$XDG_CACHE_HOME` when it is an absolute path, else `~/.cache`."""
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    return Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"


def default_index_path(folder: Path) -> Path:
    """`<cache home>/factbot/corpus-<hash of the folder's absolute path>.sqlite3`: outside the
    folder, so indexing never writes into a person's documents."""
    key = hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:16]
    return cache_home() / "factbot" / f"corpus-{key}.sqlite3"


def resolve_index_path(folder: Path, index_path: Path | None) -> Path:
    """The index file: the default, a file inside `index_path` if it is a folder, else itself."""
    if index_path is None:
        return default_index_path(folder)
    if index_path.is_dir():
        return index_path / default_index_path(folder).name
    return index_path


@dataclass(frozen=True)
class ScannedFile:
    path: str  # relative to the folder, forward slashes
    absolute: Path  # the file read: the link's target for a link inside the folder
    size: int
    mtime_ns: int
    skipped: str = ""  # why it is listed but never read (a link factbot does not follow)


@dataclass(frozen=True)
class IndexProgress:
    """How far `sync` is: files and bytes looked at so far, out of the folder's."""

    files_done: int
    files_total: int
    bytes_done: int
    bytes_total: int
    path: str  # the file just looked at


IndexProgressCallback = Callable[[IndexProgress], None]


def _is_hidden(name: str) -> bool:
    return name.startswith(".")


def scan_folder(folder: Path) -> list[ScannedFile]:
    """Every .md, .txt and .html file under `folder` (hidden files and folders skipped), sorted.

    A symbolic link counts only when it points inside the folder: a link to a file elsewhere
    (`notes.md -> ~/.ssh/id_rsa`) must not put that file in answers. Links to folders are not
    followed at all (`os.walk`'s default). Links that are not read are listed with `skipped`
    saying why, so `factbot index` can show them."""
    found: list[ScannedFile] = []
    real_folder = folder.resolve()
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not _is_hidden(d) and d != "__pycache__")
        for name in dirs:
            if (Path(root) / name).is_symlink():
                relative = (Path(root) / name).relative_to(folder).as_posix() + "/"
                note = "a link to a folder (links to folders are not followed)"
                found.append(ScannedFile(relative, Path(root) / name, 0, 0, skipped=note))
        for name in sorted(names):
            if _is_hidden(name) or Path(name).suffix.lower() not in FORMATS:
                continue
            absolute = Path(root) / name
            relative = absolute.relative_to(folder).as_posix()
            try:
                stat = absolute.lstat()
                if S_ISLNK(stat.st_mode):
                    absolute = absolute.resolve(strict=True)
                    if not absolute.is_relative_to(real_folder):
                        note = "a link to a file outside the folder (not followed)"
                        found.append(ScannedFile(relative, Path(root) / name, 0, 0, skipped=note))
                        continue
                    stat = absolute.stat()
            except FileNotFoundError:  # a broken link, or a file gone since the walk
                if (Path(root) / name).is_symlink():
                    note = "a broken link"
                    found.append(ScannedFile(relative, Path(root) / name, 0, 0, skipped=note))
                continue
            except (OSError, RuntimeError):  # a loop of links
                note = "a link that cannot be followed (a loop of links?)"
                found.append(ScannedFile(relative, Path(root) / name, 0, 0, skipped=note))
                continue
            if not S_ISREG(stat.st_mode):
                continue
            found.append(ScannedFile(relative, absolute, stat.st_size, stat.st_mtime_ns))
    found.sort(key=lambda f: f.path)
    return found


def read_inside(folder: Path, path: Path, *, limit: int) -> bytes:
    """The bytes of `path`, a regular file that is really inside `folder`; raises OSError.

    Checked on the file as opened, not on its name, so a file swapped for a symbolic link (or a
    folder swapped for one) between the scan and this read cannot expose a file elsewhere: the
    last name is opened without following links, and the opened file's own path must still lie
    inside the folder. More than `limit` bytes raises too (the file grew since the scan)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as opened:
        if not S_ISREG(os.fstat(fd).st_mode):
            raise OSError(0, "not a regular file")
        if not _opened_path(fd, path).is_relative_to(folder.resolve()):
            raise OSError(0, "outside the folder")
        raw = opened.read(limit + 1)
    if len(raw) > limit:
        raise OSError(0, f"larger than {limit} bytes")
    return raw


def _opened_path(fd: int, path: Path) -> Path:
    """The path of the file `fd` is open on (Linux's /proc; elsewhere the name, re-resolved and
    checked to be the same file)."""
    try:
        return Path(os.readlink(f"/proc/self/fd/{fd}"))
    except OSError:
        resolved = path.resolve(strict=True)
        opened, named = os.fstat(fd), os.stat(resolved)
        if (opened.st_dev, opened.st_ino) != (named.st_dev, named.st_ino):
            raise OSError(0, "the file changed while it was opened") from None
        return resolved


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


@dataclass(frozen=True)
class _Known:
    size: int
    mtime_ns: int
    hashed_ns: int
    sha256: str
    title: str
    passages: int


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
                self._create_schema(conn)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        except BaseException:
            conn.close()
            raise
        return conn

    def _create_schema(self, conn: sqlite3.Connection) -> None:
        version = f"{SCHEMA_VERSION}.{PARSER_VERSION}"
        _run_script(conn, _SCHEMA)
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        if row is not None and row[0] != version:  # made by another version: start again
            for table in ("files", "passages", "passages_fts"):
                conn.execute(f"DROP TABLE IF EXISTS {table}")
            _run_script(conn, _SCHEMA)
        try:
            conn.execute(_FTS_SCHEMA)
        except sqlite3.OperationalError as exc:  # an SQLite built without FTS5
            log.warning("SQLite has no FTS5 (%s); ranking corpus passages in Python", exc)
            self._has_fts = False
        conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema', ?)", (version,))

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
            if self._needs_update(scanned, self._manifest(conn)):
                conn.execute("BEGIN IMMEDIATE")
                try:  # read the manifest again: another process may have just synced
                    files = self._update(conn, scanned, self._manifest(conn), progress)
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
            else:
                files = self._unchanged(conn, scanned)
            return self._report(conn, scanned, files)

    def _manifest(self, conn: sqlite3.Connection) -> dict[str, _Known]:
        rows = conn.execute(
            "SELECT path, size, mtime_ns, hashed_ns, sha256, title, passages FROM files"
        ).fetchall()
        return {row[0]: _Known(*row[1:]) for row in rows}

    def _needs_update(self, scanned: list[ScannedFile], manifest: dict[str, _Known]) -> bool:
        readable = [f for f in scanned if not f.skipped]
        if {f.path for f in readable} != set(manifest):
            return True
        return any(self._is_untrusted(f, manifest[f.path]) for f in readable)

    @staticmethod
    def _is_untrusted(file: ScannedFile, known: _Known) -> bool:
        """The stat differs, or the file changed so close to its hashing that it may differ."""
        if (file.size, file.mtime_ns) != (known.size, known.mtime_ns):
            return True
        return file.mtime_ns + int(RACY_SECONDS * 1e9) >= known.hashed_ns

    def _unchanged(self, conn: sqlite3.Connection, scanned: list[ScannedFile]) -> list[IndexedFile]:
        manifest = self._manifest(conn)
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
        manifest: dict[str, _Known],
        progress: IndexProgressCallback | None = None,
    ) -> list[IndexedFile]:
        results: list[IndexedFile] = []
        present = {f.path for f in scanned}  # a file now skipped is forgotten below
        for path in sorted(set(manifest) - present):
            self._forget(conn, path)
            results.append(IndexedFile(path, "removed", manifest[path].title))
        bytes_total = sum(f.size for f in scanned)
        bytes_done = 0
        for done, file in enumerate(scanned, start=1):
            known = manifest.get(file.path)
            if file.skipped:
                self._forget(conn, file.path)
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
        self, conn: sqlite3.Connection, file: ScannedFile, known: _Known | None
    ) -> IndexedFile:
        if file.size > self.max_file_bytes:
            self._forget(conn, file.path)
            return IndexedFile(
                file.path, "skipped", note=f"larger than {self.max_file_bytes} bytes"
            )
        hashed_ns = time.time_ns()
        try:
            raw = read_inside(self.folder, file.absolute, limit=self.max_file_bytes)
        except OSError as exc:
            self._forget(conn, file.path)
            return IndexedFile(file.path, "skipped", note=f"could not be read: {exc.strerror}")
        if looks_binary(raw, is_html=format_of(file.path) == "html"):
            self._forget(conn, file.path)
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
            self._forget(conn, file.path)
            return IndexedFile(file.path, "skipped", note=f"could not be parsed: {exc}")
        self._forget(conn, file.path)
        published = document.published.isoformat() if document.published else None
        conn.execute(
            "INSERT INTO files(path, size, mtime_ns, hashed_ns, sha256, title, url, publisher, "
            "published, passages) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                file.path,
                file.size,
                file.mtime_ns,
                hashed_ns,
                sha,
                document.title,
                document.url,
                document.publisher,
                published,
                len(found),
            ),
        )
        title_terms = _spelt(document.title)
        for passage in found:
            code = json.dumps([[c.after, c.text] for c in passage.code], ensure_ascii=False)
            cursor = conn.execute(
                "INSERT INTO passages(path, ordinal, heading, parents, text, code, part, spans) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    file.path,
                    passage.ordinal,
                    passage.heading,
                    "\n".join(passage.parents),
                    passage.text,
                    code,
                    passage.part,
                    json.dumps(list(passage.spans), ensure_ascii=False),
                ),
            )
            if self._has_fts:
                searched_code = "\n".join([*(c.text for c in passage.code), passage.tables])
                spans = " ".join(index_token(t) for t in span_terms(passage.spans))
                conn.execute(
                    "INSERT INTO passages_fts(rowid, title, heading, parents, text, code) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        cursor.lastrowid,
                        title_terms,
                        _spelt(passage.heading),
                        _spelt(" ".join(passage.parents)),
                        _spelt(passage.text),
                        f"{_spelt(searched_code)} {spans}".strip(),
                    ),
                )
        status: FileStatus = "added" if known is None else "changed"
        return IndexedFile(file.path, status, document.title, len(found))

    def _forget(self, conn: sqlite3.Connection, path: str) -> None:
        if self._has_fts:
            conn.execute(
                "DELETE FROM passages_fts WHERE rowid IN (SELECT id FROM passages WHERE path = ?)",
                (path,),
            )
        conn.execute("DELETE FROM passages WHERE path = ?", (path,))
        conn.execute("DELETE FROM files WHERE path = ?", (path,))

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
            documents = self._passage_count(conn)
            if not query:
                return CorpusMatches(query, [], {})
            if not self._has_fts:
                return self._search_in_python(conn, query, limit)
            frequency = self._frequencies(conn, [index_token(t.term) for t in query.terms])
            if any(not frequency.get(index_token(t.term)) for t in query.terms):
                query = corrected(
                    query,
                    lambda term: frequency.get(index_token(term), 0) > 0,
                    lambda term: self._spellings(conn, term),
                )
            spelt = {index_token(term): term for term in query.search_terms}
            frequency = self._frequencies(conn, list(spelt))
            # A term with other words is as rare as its commonest spelling.
            others = {t.term: t.alternatives for t in query.terms}

            def passages_with(term: str) -> int:
                spellings = (term, *others.get(term, ()))
                return max(frequency.get(index_token(s), 0) for s in spellings)

            weights = term_weights(
                query,
                lambda term: idf_of(passages_with(term), documents),
                present=lambda term: passages_with(term) > 0,
            )
            match = " OR ".join(f'"{token}"' for token in list(spelt)[:MAX_QUERY_TERMS])
            fts_weights = ", ".join(str(w) for w in FTS_WEIGHTS)
            try:
                rows = conn.execute(
                    f"SELECT {_PASSAGE_COLUMNS}, -bm25(passages_fts, {fts_weights}) AS relevance, "
                    "passages_fts.title, passages_fts.heading, passages_fts.parents, "
                    "passages_fts.text, passages_fts.code "
                    "FROM passages_fts JOIN passages p ON p.id = passages_fts.rowid "
                    "JOIN files f ON f.path = p.path WHERE passages_fts MATCH ? "
                    "ORDER BY relevance DESC, p.path, p.ordinal LIMIT ?",
                    (match, max(limit, CANDIDATES)),
                ).fetchall()
            except sqlite3.OperationalError as exc:
                log.warning("corpus search failed for %r: %s", query.question[:80], exc)
                return CorpusMatches(query, [], weights)
            ranked = self._rerank(query, weights, spelt, frequency, rows)[:limit]
            found = self._passages(conn, [row for _, row in ranked])
            scored = [
                replace(p, score=round(score, 6))
                for p, (score, _) in zip(found, ranked, strict=True)
            ]
            return CorpusMatches(query, scored, weights)

    @staticmethod
    def _rerank(
        query: Query,
        weights: dict[str, float],
        spelt: dict[str, str],
        frequency: dict[str, int],
        rows: list[tuple[object, ...]],
    ) -> list[tuple[float, tuple[object, ...]]]:
        """Candidates scored by BM25 (scaled to the best) and the share of the question each
        holds, with its heading; ties keep the index's order."""
        top = max((float(str(row[12])) for row in rows), default=0.0) or 1.0
        present = frozenset(
            t.term
            for t in query.terms
            if any(frequency.get(index_token(s), 0) for s in (t.term, *t.alternatives))
        )
        rarest = rarest_terms(query, weights, present)
        scored: list[tuple[float, int, tuple[object, ...]]] = []
        for n, row in enumerate(rows):
            title, heading, parents, text, code = (str(v) for v in row[13:18])
            found = frozenset(
                spelt[token]
                for column in (title, heading, parents, text, code)
                for token in column.split()
                if token in spelt
            )
            coverage = coverage_of(query, weights, found, rarest)
            # What the heading announces: a signature's name, else the heading, else the title.
            focus = focus_of(query, weights, str(row[2]), str(row[6]))
            score = combined_score(
                float(str(row[12])) / top, coverage, focus, part=int(str(row[10]))
            )
            scored.append((score, n, row[:12]))
        scored.sort(key=lambda item: (-item[0], item[1]))
        return [(score, row) for score, _, row in scored]

    def _frequencies(self, conn: sqlite3.Connection, tokens: list[str]) -> dict[str, int]:
        """How many passages hold each (spelt) term."""
        conn.execute(_VOCABULARY)
        marks = ", ".join("?" for _ in tokens)
        rows = conn.execute(
            f"SELECT term, doc FROM temp.passages_vocab WHERE term IN ({marks})", tokens
        ).fetchall()
        return {str(term): int(doc) for term, doc in rows}

    def _spellings(self, conn: sqlite3.Connection, term: str) -> list[tuple[str, int]]:
        """Terms of the index that could be `term` misspelt: same first letter, about as long."""
        conn.execute(_VOCABULARY)
        rows = conn.execute(
            "SELECT term, doc FROM temp.passages_vocab WHERE term >= ? AND term < ? "
            "AND length(term) BETWEEN ? AND ?",
            (term[0], chr(ord(term[0]) + 1), len(term) - 2, len(term) + 2),
        ).fetchall()
        return [(str(t), int(d)) for t, d in rows]

    def _passage_count(self, conn: sqlite3.Connection) -> int:
        (count,) = conn.execute("SELECT COUNT(*) FROM passages").fetchone()
        return int(count)

    def _search_in_python(
        self, conn: sqlite3.Connection, query: Query, limit: int
    ) -> CorpusMatches:
        everything = self._passages(
            conn,
            conn.execute(
                f"SELECT {_PASSAGE_COLUMNS} FROM passages p "
                "JOIN files f ON f.path = p.path ORDER BY p.path, p.ordinal"
            ).fetchall(),
        )
        bm25 = Bm25([passage_terms(p) for p in everything])
        weights = term_weights(query, bm25.idf)
        return CorpusMatches(query, rank_passages(query, everything, limit=limit), weights)

    def overview(self, *, limit: int) -> list[Passage]:
        """The opening passages of every document (then the second ones, ...): what the corpus
        covers, for suggesting questions it can answer."""
        with self._lock:
            conn = self._connect()
            rows = conn.execute(
                f"SELECT {_PASSAGE_COLUMNS} FROM passages p JOIN files f ON f.path = p.path "
                "ORDER BY p.ordinal, p.path LIMIT ?",
                (limit,),
            ).fetchall()
            return self._passages(conn, rows)

    def document_count(self) -> int:
        with self._lock:
            (count,) = self._connect().execute("SELECT COUNT(*) FROM files").fetchone()
            return int(count)

    def _neighbours(
        self, conn: sqlite3.Connection, places: list[tuple[str, int]]
    ) -> dict[tuple[str, int], tuple[str, ...]]:
        """For each (path, ordinal): the distinct headings of the passages around it, nearest
        first, its own left out (one query for all)."""
        if not places:
            return {}
        clause = " OR ".join("(path = ? AND ordinal BETWEEN ? AND ?)" for _ in places)
        values: list[object] = []
        for path, ordinal in places:
            values += [path, ordinal - NEIGHBOUR_REACH, ordinal + NEIGHBOUR_REACH]
        rows = conn.execute(
            f"SELECT path, ordinal, heading FROM passages WHERE {clause}", values
        ).fetchall()
        by_path: dict[str, dict[int, str]] = {}
        for path, ordinal, heading in rows:
            by_path.setdefault(str(path), {})[int(ordinal)] = str(heading)
        found: dict[tuple[str, int], tuple[str, ...]] = {}
        for path, ordinal in places:
            headings = by_path.get(path, {})
            own = headings.get(ordinal, "")
            near = sorted(
                (o for o in headings if abs(o - ordinal) <= NEIGHBOUR_REACH),
                key=lambda o: (abs(o - ordinal), o),
            )
            found[(path, ordinal)] = tuple(
                dict.fromkeys(headings[o] for o in near if headings[o] and headings[o] != own)
            )
        return found

    def _passages(
        self, conn: sqlite3.Connection, rows: Iterable[tuple[object, ...]]
    ) -> list[Passage]:
        rows = list(rows)
        near = self._neighbours(conn, [(str(r[0]), int(str(r[1]))) for r in rows])
        found: list[Passage] = []
        for row in rows:
            path, ordinal, heading, parents, text, code = row[:6]
            title, url, publisher, published, part, spans = row[6:12]
            source = DraftSource(
                title=str(title),
                url=str(url),
                publisher=str(publisher),
                published=date.fromisoformat(str(published)) if published else None,
            )
            found.append(
                Passage(
                    evidence_id=f"{path}#{ordinal}",
                    text=str(text),
                    source=source,
                    score=0.0,
                    heading=str(heading),
                    parents=tuple(p for p in str(parents).split("\n") if p),
                    code=tuple(CodeBlock(int(a), str(c)) for a, c in json.loads(str(code))),
                    part=int(str(part)),
                    spans=tuple(str(span) for span in json.loads(str(spans))),
                    neighbours=near[(str(path), int(str(ordinal)))],
                )
            )
        return found


@dataclass(frozen=True)
class CorpusMatches:
    """What a search found: the question's terms, the passages best first, and each term's
    weight (how rare it is in the whole corpus)."""

    query: Query
    passages: list[Passage]
    weights: dict[str, float]


def _spelt(text: str) -> str:
    """Text as the index holds it: its search terms, spelt for the tokenizer, space-separated."""
    return " ".join(index_token(term) for term in terms(text))
