"""The corpus index's SQLite tables: the schema, and reading and writing their rows.

`files` is the manifest (path, size, mtime_ns, SHA-256 of the content),
`passages` the passages of every file, and `passages_fts` (when SQLite has
FTS5) their search terms for BM25. Every function takes an open connection;
`CorpusIndex` owns it and its lock.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from answers.backends.corpus.documents import PARSER_VERSION, Chunk, Document
from answers.backends.corpus.folder import ScannedFile
from answers.evidence import CodeBlock, Passage
from answers.ingest.acronyms import acronym_key, defined_acronyms
from answers.ingest.table_rows import row_names
from answers.ingest.words import index_token, span_terms, terms
from answers.model import DraftSource

__all__ = [
    "FTS_SCHEMA",
    "PASSAGE_COLUMNS",
    "SCHEMA",
    "SCHEMA_VERSION",
    "Known",
    "acronyms_for",
    "close_spellings",
    "create_schema",
    "forget",
    "frequencies",
    "passage_count",
    "passages_of",
    "phrase_count",
    "prose_with",
    "read_manifest",
    "run_script",
    "store_document",
]

log = logging.getLogger(__name__)

SCHEMA_VERSION = "3"
PROSE_LIMIT = 200  # passages read for what the documents call a symbol: plenty to see its names
NEIGHBOUR_REACH = 6  # headings this many passages either side of a passage are its neighbours

SCHEMA = """
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
CREATE TABLE IF NOT EXISTS acronyms(
    path TEXT NOT NULL, short TEXT NOT NULL, long TEXT NOT NULL, first TEXT NOT NULL,
    terms TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS acronyms_by_short ON acronyms(short);
CREATE INDEX IF NOT EXISTS acronyms_by_first ON acronyms(first);
"""
# The columns hold search terms (`answers.ingest.words.terms`, spelt by `index_token`), not
# text: the tokenizer only splits them at spaces, so names and operators stay whole.
FTS_SCHEMA = """
CREATE VIRTUAL TABLE IF NOT EXISTS passages_fts USING fts5(
    title, heading, parents, text, code, tokenize = "unicode61 remove_diacritics 0 tokenchars '_'");
"""
_VOCABULARY = "CREATE VIRTUAL TABLE IF NOT EXISTS temp.passages_vocab USING fts5vocab(main, passages_fts, 'row')"
PASSAGE_COLUMNS = (
    "p.path, p.ordinal, p.heading, p.parents, p.text, p.code, f.title, f.url, f.publisher, "
    "f.published, p.part, p.spans"
)


def run_script(conn: sqlite3.Connection, script: str) -> None:
    """Statement by statement: `executescript` would commit the open transaction."""
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def create_schema(conn: sqlite3.Connection) -> bool:
    """The tables, made anew when another version made them; False when SQLite has no FTS5
    (passages are then ranked in Python)."""
    has_fts = True
    version = f"{SCHEMA_VERSION}.{PARSER_VERSION}"
    run_script(conn, SCHEMA)
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    if row is not None and row[0] != version:  # made by another version: start again
        for table in ("files", "passages", "passages_fts", "acronyms"):
            conn.execute(f"DROP TABLE IF EXISTS {table}")
        run_script(conn, SCHEMA)
    try:
        conn.execute(FTS_SCHEMA)
    except sqlite3.OperationalError as exc:  # an SQLite built without FTS5
        log.warning("SQLite has no FTS5 (%s); ranking corpus passages in Python", exc)
        has_fts = False
    conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema', ?)", (version,))
    return has_fts


@dataclass(frozen=True)
class Known:
    size: int
    mtime_ns: int
    hashed_ns: int
    sha256: str
    title: str
    passages: int


def read_manifest(conn: sqlite3.Connection) -> dict[str, Known]:
    rows = conn.execute(
        "SELECT path, size, mtime_ns, hashed_ns, sha256, title, passages FROM files"
    ).fetchall()
    return {row[0]: Known(*row[1:]) for row in rows}


def store_document(
    conn: sqlite3.Connection,
    file: ScannedFile,
    *,
    hashed_ns: int,
    sha: str,
    document: Document,
    found: list[Chunk],
    has_fts: bool,
) -> None:
    """One file's row in the manifest, and its passages (searchable when `has_fts`)."""
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
    _store_acronyms(conn, document, found)
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
        if has_fts:
            searched_code = "\n".join([*(c.text for c in passage.code), passage.tables])
            spans = " ".join(index_token(t) for t in span_terms(passage.spans))
            rows = _spelt(" ".join(row_names(passage.text, document.title)))
            conn.execute(
                "INSERT INTO passages_fts(rowid, title, heading, parents, text, code) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    cursor.lastrowid,
                    title_terms,
                    _spelt(passage.heading),
                    _spelt(" ".join(passage.parents)),
                    # Inline code (`with`) is part of the prose: it weighs as the text does;
                    # so does a definition row's qualified name (collections.namedtuple).
                    f"{_spelt(passage.text)} {spans} {rows}".strip(),
                    _spelt(searched_code),
                ),
            )


def _store_acronyms(conn: sqlite3.Connection, document: Document, found: list[Chunk]) -> None:
    """The acronyms the document defines, each with the terms of its long form."""
    headings = dict.fromkeys(h for p in found for h in (p.heading, *p.parents) if h)
    for acronym in defined_acronyms(document.title, headings, document.text):
        long_terms = terms(acronym.long)
        if len(long_terms) > 1:
            conn.execute(
                "INSERT INTO acronyms(path, short, long, first, terms) VALUES (?, ?, ?, ?, ?)",
                (
                    document.path,
                    acronym_key(acronym.short),
                    acronym.long,
                    long_terms[0],
                    " ".join(long_terms),
                ),
            )


def acronyms_for(
    conn: sqlite3.Connection, shorts: list[str], firsts: list[str]
) -> list[tuple[str, str, int]]:
    """The (acronym, terms of a long form, documents defining it) pairs whose acronym is one
    of `shorts` or whose long form starts with one of `firsts`."""
    if not shorts and not firsts:
        return []
    short_marks = ", ".join("?" for _ in shorts)
    first_marks = ", ".join("?" for _ in firsts)
    rows = conn.execute(
        "SELECT short, terms, COUNT(DISTINCT path) FROM acronyms "
        f"WHERE short IN ({short_marks}) OR first IN ({first_marks}) GROUP BY short, terms",
        [*shorts, *firsts],
    ).fetchall()
    return [(str(short), str(found), int(count)) for short, found, count in rows]


def forget(conn: sqlite3.Connection, path: str, *, has_fts: bool) -> None:
    if has_fts:
        conn.execute(
            "DELETE FROM passages_fts WHERE rowid IN (SELECT id FROM passages WHERE path = ?)",
            (path,),
        )
    conn.execute("DELETE FROM passages WHERE path = ?", (path,))
    conn.execute("DELETE FROM acronyms WHERE path = ?", (path,))
    conn.execute("DELETE FROM files WHERE path = ?", (path,))


def frequencies(conn: sqlite3.Connection, tokens: list[str]) -> dict[str, int]:
    """How many passages hold each (spelt) term."""
    conn.execute(_VOCABULARY)
    marks = ", ".join("?" for _ in tokens)
    rows = conn.execute(
        f"SELECT term, doc FROM temp.passages_vocab WHERE term IN ({marks})", tokens
    ).fetchall()
    return {str(term): int(doc) for term, doc in rows}


def close_spellings(conn: sqlite3.Connection, term: str) -> list[tuple[str, int]]:
    """Terms of the index that could be `term` misspelt: same first letter, about as long."""
    conn.execute(_VOCABULARY)
    rows = conn.execute(
        "SELECT term, doc FROM temp.passages_vocab WHERE term >= ? AND term < ? "
        "AND length(term) BETWEEN ? AND ?",
        (term[0], chr(ord(term[0]) + 1), len(term) - 2, len(term) + 2),
    ).fetchall()
    return [(str(t), int(d)) for t, d in rows]


def prose_with(conn: sqlite3.Connection, term: str) -> list[str]:
    """The text of the passages whose prose (not code) holds `term`, at most `PROSE_LIMIT`."""
    rows = conn.execute(
        "SELECT p.text FROM passages_fts JOIN passages p ON p.id = passages_fts.rowid "
        "WHERE passages_fts MATCH ? LIMIT ?",
        (f'text : "{index_token(term)}"', PROSE_LIMIT),
    ).fetchall()
    return [str(text) for (text,) in rows]


def phrase_count(conn: sqlite3.Connection, spelt: str) -> int:
    """How many passages hold the words (spelt, space-separated) one after the other."""
    (count,) = conn.execute(
        "SELECT COUNT(*) FROM passages_fts WHERE passages_fts MATCH ?", (f'"{spelt}"',)
    ).fetchone()
    return int(count)


def passage_count(conn: sqlite3.Connection) -> int:
    (count,) = conn.execute("SELECT COUNT(*) FROM passages").fetchone()
    return int(count)


def _neighbours(
    conn: sqlite3.Connection, places: list[tuple[str, int]]
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


def passages_of(conn: sqlite3.Connection, rows: Iterable[tuple[object, ...]]) -> list[Passage]:
    """The passages of `rows` (`PASSAGE_COLUMNS`), each with the headings around it."""
    rows = list(rows)
    near = _neighbours(conn, [(str(r[0]), int(str(r[1]))) for r in rows])
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


def _spelt(text: str) -> str:
    """Text as the index holds it: its search terms, spelt for the tokenizer, space-separated."""
    return " ".join(index_token(term) for term in terms(text))
