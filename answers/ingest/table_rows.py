"""Definition rows: a two-column table row whose first cell names what its second cell says.

A module's page often opens with an overview table ("namedtuple() | factory
function for creating tuple subclasses with named fields", "deque |
list-like container with fast appends and pops on either end" on
"collections — Container datatypes"): each row defines a member of the
module. The chunker makes such a row a line of its passage's text, quoted
as written, and the index knows it by its qualified name too
(collections.namedtuple), so a question naming the member finds the row.
Rows on pages that document no module (an API index whose rows only link
elsewhere, a table of limits or options) and data rows ("SQLITE_MAX_LENGTH |
1000000000", "ACS_LARROW | left arrow") are left to the search.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["CELL_SEPARATOR", "defined_name", "documented_module", "row_names"]

CELL_SEPARATOR = " | "  # how the readers join a row's cells (see `answers.ingest.html_walk`)
MAX_NAME_WORDS = 3  # "namedtuple()", "OrderedDict", "err or error": a name, not a phrase
MAX_NAME_CHARS = 40
MIN_NAME_CHARS = 2  # "c", "w": a one-letter code says nothing on its own
MIN_DEFINITION_WORDS = 3  # "list-like container with ...": a phrase, not a value or a label
# A name: words of letters, digits, "_", "." and "-", starting with a letter or "_",
# optionally called ("namedtuple()") or subscripted ("Optional[]").
_NAME = re.compile(r"[A-Za-z_][\w.\-]*(?: [A-Za-z_][\w.\-]*)*(?:\(\)|\[\])?")
_WORD = re.compile(r"[^\W\d_]{2,}")
# "collections — Container datatypes", "os.path – Common pathname manipulations"
_MODULE_TITLE = re.compile(r"([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*) [—–] \S")
_MEMBER = re.compile(r"[A-Za-z_]\w*")


def defined_name(row: str) -> str | None:
    """The name a definition row defines ("namedtuple()" for "namedtuple() | factory function
    for creating tuple subclasses with named fields"), or None for any other row."""
    cells = row.split(CELL_SEPARATOR)
    if len(cells) != 2:
        return None
    name, definition = (cell.strip() for cell in cells)
    if not (MIN_NAME_CHARS <= len(name) <= MAX_NAME_CHARS) or not _NAME.fullmatch(name):
        return None
    if len(name.split()) > MAX_NAME_WORDS:
        return None
    return name if len(_WORD.findall(definition)) >= MIN_DEFINITION_WORDS else None


def documented_module(title: str) -> str | None:
    """The module a page documents, by its title ("collections" for "collections — Container
    datatypes"), or None for a page of another kind."""
    match = _MODULE_TITLE.match(title.strip())
    return match.group(1) if match else None


def row_names(text: str, title: str) -> Iterator[str]:
    """The qualified name of each definition row among `text`'s lines, on a page titled
    `title` ("collections.namedtuple" for "namedtuple() | factory function ..." on
    "collections — Container datatypes"): index terms only, never quoted."""
    module = documented_module(title)
    if module is None or CELL_SEPARATOR not in text:
        return
    for line in text.split("\n"):
        name = defined_name(line)
        member = name.removesuffix("()").removesuffix("[]") if name else ""
        if _MEMBER.fullmatch(member):
            yield f"{module}.{member}"
