"""A corpus file as factbot reads it: the one ingestion path (`answers.ingest`), plus what a
folder adds (a title from the file name, a URL from the folder and path when the file names
none).

`Document.text` is the document's plain text; every sentence the extractive
writer quotes is a slice of it. `passages` cuts a document into chunks, each
with its headings and the code blocks its sentences introduce.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import PurePosixPath

from answers.ingest.chunks import Chunk, chunk_document
from answers.ingest.decode import looks_binary
from answers.ingest.documents import FORMATS, format_of
from answers.ingest.documents import read_document as ingest
from answers.ingest.model import Block, IngestedDocument

__all__ = [
    "FORMATS",
    "PARSER_VERSION",
    "Block",
    "Chunk",
    "Document",
    "format_of",
    "looks_binary",
    "passages",
    "read_document",
]

PARSER_VERSION = "14"  # bump when reading or chunking changes, so every index is rebuilt


@dataclass(frozen=True)
class Document:
    path: str  # relative to the corpus folder, with forward slashes
    title: str
    url: str  # from front matter or the page's canonical link, else "<folder>/<path>"
    publisher: str
    published: date | None
    blocks: tuple[Block, ...]

    @property
    def text(self) -> str:
        """The plain text: blocks separated by a blank line."""
        return "\n\n".join(block.text for block in self.blocks)

    def as_ingested(self) -> IngestedDocument:
        return IngestedDocument(self.title, self.url, self.publisher, self.published, self.blocks)


def title_from_path(path: str) -> str:
    stem = PurePosixPath(path).stem.replace("-", " ").replace("_", " ").strip()
    return (stem[:1].upper() + stem[1:]) if stem else path


def read_document(path: str, raw: bytes, *, folder_name: str) -> Document:
    """Read one file of the corpus; `path` is relative to the folder and picks the format."""
    found = ingest(raw, name=path)
    url = found.url or (f"{folder_name}/{path}" if folder_name else path)
    return Document(
        path=path,
        title=found.title or title_from_path(path),
        url=url.strip(),
        publisher=found.publisher,
        published=found.published,
        blocks=found.blocks,
    )


def passages(document: Document) -> list[Chunk]:
    """The document's chunks: prose under its headings, code with the sentence introducing it."""
    return chunk_document(document.as_ingested())
