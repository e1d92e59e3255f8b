"""The offline `corpus` backend: a folder of Markdown, text and HTML files, searched with BM25.

    backend = CorpusBackend(Path("docs"))            # the Backend protocol
    report = index_corpus(Path("docs"))               # `factbot index PATH` (blocking)

The index lives outside the folder (`default_index_path`: under
`$XDG_CACHE_HOME/factbot/`, else `~/.cache/factbot/`) unless `index_path`
says where.
"""

from answers.backends.corpus.backend import ENGINE, CorpusBackend, index_corpus
from answers.backends.corpus.documents import Document, read_document
from answers.backends.corpus.folder import default_index_path
from answers.backends.corpus.index import CorpusIndex
from answers.backends.corpus.report import CorpusIndexReport, IndexedFile, IndexProgress

__all__ = [
    "ENGINE",
    "CorpusBackend",
    "CorpusIndex",
    "CorpusIndexReport",
    "Document",
    "IndexProgress",
    "IndexedFile",
    "default_index_path",
    "index_corpus",
    "read_document",
]
