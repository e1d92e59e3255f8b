"""One chunker: prose under its headings, each code block tied to the sentence introducing it."""

from __future__ import annotations

from answers.ingest.chunks import CHUNK_WORDS, chunk_document
from answers.ingest.model import Block, IngestedDocument


def document(*blocks: Block) -> IngestedDocument:
    return IngestedDocument(title="Kettles", url="", publisher="", published=None, blocks=blocks)


def test_a_code_block_stays_with_the_paragraph_that_introduces_it() -> None:
    filler = "Kettles boil water for tea and coffee alike. " * (CHUNK_WORDS // 8)
    chunks = chunk_document(
        document(
            Block("heading", "Kettles", 1),
            Block("prose", filler),
            Block("prose", "Boil the water like this:"),
            Block("code", "kettle.boil(80)\n    # wait"),
            Block("prose", "The kettle clicks off when it is done."),
        )
    )
    with_code = next(c for c in chunks if c.code)
    lines = with_code.text.split("\n")
    assert lines[with_code.code[0].after] == "Boil the water like this:"
    assert with_code.code[0].text == "kettle.boil(80)\n    # wait"  # verbatim, indentation kept


def test_headings_stay_with_their_passages_and_openings_are_marked() -> None:
    long = "Descaling removes the chalk that hard water leaves behind. " * 40
    chunks = chunk_document(
        document(
            Block("heading", "Kettles", 1),
            Block("heading", "Descaling", 2),
            Block("prose", long),
            Block("heading", "Pouring", 2),
            Block("prose", "Pour slowly."),
        )
    )
    descaling = [c for c in chunks if c.heading == "Descaling"]
    assert len(descaling) >= 2 and [c.part for c in descaling] == list(range(len(descaling)))
    assert all(c.parents == ("Kettles",) for c in descaling)
    assert chunks[-1].heading == "Pouring" and chunks[-1].part == 0


def test_a_member_is_named_with_its_class_and_the_list_end_closes_it() -> None:
    chunks = chunk_document(
        document(
            Block("heading", "Kettles", 1),
            Block("term", "class kettles.Kettle(volume)", 2),
            Block("prose", "A kettle of the given volume."),
            Block("term", "boil(temperature)", 3),
            Block("prose", "Boil the water."),
            Block("end", "", 3),
            Block("end", "", 2),
            Block("prose", "Kettles are sold separately."),
        )
    )
    assert [c.heading for c in chunks] == [
        "class kettles.Kettle(volume)",
        "kettles.Kettle.boil(temperature)",
        "Kettles",
    ]
