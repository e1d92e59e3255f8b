"""Read pages into evidence passages: sizes stay bounded whatever the page looks like."""

from __future__ import annotations

import pytest

from answers.backends.research.pages import Page
from answers.backends.research.passages import MAX_WORDS, page_passages, select_evidence
from answers.ingest.model import Block
from answers.model import DraftSource

SOURCE = DraftSource(title="Data dump", url="https://dump.example/a")


def page_of(text: str) -> Page:
    return Page(
        url=SOURCE.url,
        final_url=SOURCE.url,
        title="Data dump",
        publisher="Dump",
        published=None,
        blocks=(Block("prose", text),),
    )


def test_a_paragraph_without_full_stops_is_cut_into_bounded_passages() -> None:
    # One 60,000-word "sentence" used to become one passage, handed whole to the LLM.
    text = " ".join(f"caffeine{i % 50}" for i in range(60_000))
    passages = page_passages(page_of(text), SOURCE)
    assert len(passages) > 100
    assert max(len(p.text.split()) for p in passages) <= MAX_WORDS
    assert " ".join(p.text.replace("\n", " ") for p in passages) == text  # nothing lost or added
    evidence = select_evidence("caffeine7", [(page_of(text), SOURCE)], per_source=4)
    assert 0 < len(evidence) <= 4


@pytest.mark.timeout(20)
def test_a_huge_paragraph_of_sentences_is_split_in_linear_time() -> None:
    # 1 MB of short sentences on one line: the sentence splitter used to look back to the line's
    # start at every full stop (an hour here); a hang guard, not a timing assertion.
    text = "Green tea holds caffeine. " * 40_000
    passages = page_passages(page_of(text), SOURCE)
    assert sum(len(p.text.split()) for p in passages) == 4 * 40_000


def test_pages_and_corpus_files_are_chunked_alike_with_code_kept() -> None:
    page = Page(
        url=SOURCE.url,
        final_url=SOURCE.url,
        title="Tea guide",
        publisher="Tea",
        published=None,
        blocks=(
            Block("heading", "Tea guide", 1),
            Block("heading", "Brewing", 2),
            Block("prose", "Green tea is brewed at 80 degrees. Set the kettle like this:"),
            Block("code", "kettle --temp 80"),
            Block("heading", "Storing", 2),
            Block("prose", "Keep the leaves in a dry, dark tin."),
        ),
    )
    passages = page_passages(page, SOURCE)
    assert [p.heading for p in passages] == ["Brewing", "Storing"]
    assert [(c.after, c.text) for c in passages[0].code] == [(0, "kettle --temp 80")]
    assert passages[0].neighbours == ("Storing",)
    evidence = select_evidence("How do I set the kettle for green tea?", [(page, SOURCE)])
    assert evidence[0].heading == "Brewing" and evidence[0].evidence_id == "E1"
