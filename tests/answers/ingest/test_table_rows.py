"""Definition rows: a module page's overview table defines its members, by name."""

from __future__ import annotations

from answers.ingest.chunks import chunk_document
from answers.ingest.model import Block, IngestedDocument
from answers.ingest.table_rows import defined_name, documented_module, row_names

BOILERS = "kettles — Things that boil water"
OVERVIEW = "Kettle() | factory function for creating kettles with named lids"


def test_a_two_column_row_naming_a_member_defines_it() -> None:
    assert defined_name(OVERVIEW) == "Kettle()"
    assert defined_name("whistle | dict subclass that remembers the order of boils") == "whistle"


def test_data_rows_labels_and_wider_tables_define_nothing() -> None:
    assert defined_name("MAX_LENGTH | 1000000000") is None  # a value
    assert defined_name("ACS_LARROW | left arrow") is None  # a label of two words
    assert defined_name("2022-01-06 | 3.37.2") is None
    assert defined_name("Name | Meaning | Since") is None
    assert defined_name("how long a kettle boils | three minutes or so") is None


def test_a_page_titled_by_its_module_documents_that_module() -> None:
    assert documented_module(BOILERS) == "kettles"
    assert documented_module("os.path – Common pathname manipulations") == "os.path"
    assert documented_module("Low-level API Index") is None
    assert documented_module("The Kettle Guide - boiling basics") is None


def test_a_rows_name_is_qualified_by_its_pages_module() -> None:
    text = f"The module offers these.\n{OVERVIEW}\nMAX_LENGTH | 1000000000"
    assert list(row_names(text, BOILERS)) == ["kettles.Kettle"]
    assert list(row_names(text, "Kettle overview")) == []  # no module: nothing to qualify by


def document(title: str, *blocks: Block) -> IngestedDocument:
    return IngestedDocument(title=title, url="", publisher="", published=None, blocks=blocks)


def test_on_a_module_page_a_definition_row_is_a_line_of_the_text_quoted_as_written() -> None:
    blocks = (
        Block("heading", BOILERS, 1),
        Block("prose", "This module boils water."),
        Block("table", OVERVIEW),
        Block("table", "MAX_LENGTH | 1000000000"),
    )
    [chunk] = chunk_document(document(BOILERS, *blocks))
    assert chunk.text.split("\n") == ["This module boils water.", OVERVIEW]
    assert chunk.tables == "MAX_LENGTH | 1000000000"
    # Elsewhere (an API index, a table of options) rows stay searched, not quoted.
    [other] = chunk_document(document("Low-level API Index", *blocks))
    assert other.text == "This module boils water."
    assert other.tables == f"{OVERVIEW}\nMAX_LENGTH | 1000000000"
