"""Read pages into evidence passages: sizes stay bounded whatever the page looks like."""

from __future__ import annotations

import pytest

from answers.backends.research.pages import Page, TextBlock
from answers.backends.research.passages import MAX_WORDS, page_passages, select_evidence
from answers.model import DraftSource

SOURCE = DraftSource(title="Data dump", url="https://dump.example/a")


def page_of(text: str) -> Page:
    return Page(
        url=SOURCE.url,
        final_url=SOURCE.url,
        title="Data dump",
        publisher="Dump",
        published=None,
        blocks=(TextBlock(text),),
    )


def test_a_paragraph_without_full_stops_is_cut_into_bounded_passages() -> None:
    # One 60,000-word "sentence" used to become one passage, handed whole to the LLM.
    text = " ".join(f"caffeine{i % 50}" for i in range(60_000))
    passages = page_passages(page_of(text), SOURCE)
    assert len(passages) > 100
    assert max(len(p.text.split()) for p in passages) <= MAX_WORDS
    assert " ".join(p.text for p in passages) == text  # nothing lost, nothing added
    evidence = select_evidence("caffeine7", [(page_of(text), SOURCE)], per_source=4)
    assert 0 < len(evidence) <= 4


@pytest.mark.timeout(20)
def test_a_huge_paragraph_of_sentences_is_split_in_linear_time() -> None:
    # 1 MB of short sentences on one line: the sentence splitter used to look back to the line's
    # start at every full stop (an hour here); a hang guard, not a timing assertion.
    text = "Green tea holds caffeine. " * 40_000
    passages = page_passages(page_of(text), SOURCE)
    assert sum(len(p.text.split()) for p in passages) == 4 * 40_000
