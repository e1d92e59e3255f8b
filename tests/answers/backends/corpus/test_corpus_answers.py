"""What a person asking gets from a small corpus of our own: the rules of issue 9, end to end.

Symbols are searchable, one short fact makes a short report, words scattered over unrelated
documents make an honest "not covered", page furniture never shows, a code block travels with
the sentence that introduces it, follow-ups are plain questions, every quote is verbatim.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from answers import Answer
from tests.answers.backends.corpus_samples import (
    ask_corpus,
    assert_quotes_are_verbatim,
    documents_by_url,
)

CHECKED_ON = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)

OPERATORS_MD = """# Comparing values

Python has two ways to compare objects, and they answer different questions.

## Identity and equality

The `is` operator tests whether two names refer to the same object. The `==` operator compares
the values of two objects, so two equal lists are `==` but not `is` the same list.

## Ordering

The `<` and `>` operators order numbers and strings.
"""

PATHS_HTML = """<!DOCTYPE html><html><head><title>paths — Joining paths &#8212; Py notes</title>
</head><body><div class="body" role="main">
<h1>paths — Joining paths<a class="headerlink" href="#p">¶</a></h1>
<p>This page describes how file paths are put together from their parts on every system.</p>
<dl><dt>os.path.join(path, *paths)<a class="headerlink" href="#j">¶</a></dt>
<dd><p>Join one or more path segments intelligently. If a segment is an absolute path, all
previous segments are ignored.</p></dd></dl>
<dl><dt>os.path.split(path)</dt><dd><p>Split a path into a head and a tail.</p></dd></dl>
</div>
<div class="sphinxsidebar" role="navigation"><h3>Table of Contents</h3>
<ul><li><a href="#">paths — Joining paths</a></li></ul><h4>Previous topic</h4>
<p><a href="x.html">Other notes about files and folders</a></p></div>
</body></html>
"""

KETTLE_MD = """# Kettle guide

## Boiling water

The kettle boils a litre of water in about three minutes. Start a boil like this:

```
kettle = Kettle(volume=1.0)
kettle.boil(temperature=100)
```

Always close the lid before boiling.
"""

EVEREST_TXT = "Mount Everest is 8,849 metres tall, the highest mountain above sea level.\n"

# Each word of "How do I center a div in CSS?" is somewhere, never together.
LAYOUT_MD = """# Page layout notes

## Printing

Headings are printed in the center of the page by the report printer.
"""
STYLES_TXT = "Stylesheets\n\nThe CSS file sets the colours of the rendered reports.\n"
MARKUP_MD = "# Markup\n\nA div element groups other elements in the generated HTML pages.\n"

FILES = {
    "operators.md": OPERATORS_MD,
    "paths.html": PATHS_HTML,
    "kettle.md": KETTLE_MD,
    "everest.txt": EVEREST_TXT,
    "layout.md": LAYOUT_MD,
    "styles.txt": STYLES_TXT,
    "markup.md": MARKUP_MD,
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    folder.mkdir()
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


async def ask(folder: Path, question: str) -> Answer:
    return await ask_corpus(folder, question, checked_on=CHECKED_ON)


def summary_text(answer: Answer) -> str:
    return " ".join(c.text for c in answer.summary)


async def test_operators_and_dotted_names_are_searched(folder: Path) -> None:
    answer = await ask(folder, "whats the difference between is and == ?")
    assert [s.url for s in answer.sources][:1] == ["notes/operators.md"]
    said = summary_text(answer)
    assert "`" not in said  # inline markup is not quoted
    assert " is " in said and " == " in said
    assert "The is operator tests whether two names refer to the same object." in " ".join(
        c.text for c in answer.all_claims()
    )
    answer = await ask(folder, "what does os.path.join do")
    assert answer.sources[0].url == "notes/paths.html"
    assert summary_text(answer).startswith("Join one or more path segments intelligently.")
    assert assert_quotes_are_verbatim(answer, folder) >= 1


async def test_one_short_fact_is_answered_briefly(folder: Path) -> None:
    answer = await ask(folder, "How tall is Mount Everest?")
    assert [c.text for c in answer.summary] == [EVEREST_TXT.strip()]
    assert len(answer.sections) == 1
    assert not any("part" in s.heading or "continued" in s.heading for s in answer.sections)


async def test_words_scattered_over_documents_get_the_honest_report(folder: Path) -> None:
    answer = await ask(folder, "How do I center a div in CSS?")
    assert answer.sources == () and answer.sections == ()
    assert "do not cover this question" in summary_text(answer)


async def test_page_furniture_never_reaches_a_report(folder: Path) -> None:
    answer = await ask(folder, "How do I split a path into head and tail?")
    assert answer.sources and answer.sources[0].url == "notes/paths.html"
    shown = [answer.title, *(s.heading for s in answer.sections), *answer.follow_ups]
    shown += [c.text for c in answer.all_claims()]
    for furniture in ("¶", "Table of Contents", "Previous topic", "Other notes about files"):
        assert all(furniture not in text for text in shown), furniture
    assert "os.path.split()" in [s.heading for s in answer.sections]  # a signature, as a name


async def test_a_code_block_travels_with_the_sentence_that_introduces_it(folder: Path) -> None:
    answer = await ask(folder, "How do I start a boil with the kettle?")
    # A short example leads the summary (a how-to); a longer one would stay in its section.
    claims = [c for c in answer.all_claims() if c.code]
    assert claims, "the introducing sentence should bring its code"
    assert claims[0].text.endswith("Start a boil like this:")
    assert claims[0].code == "kettle = Kettle(volume=1.0)\nkettle.boil(temperature=100)"
    assert claims[0].code in documents_by_url(folder)["notes/kettle.md"]
    assert assert_quotes_are_verbatim(answer, folder) >= 1


async def test_follow_ups_are_plain_questions_from_nearby_headings(folder: Path) -> None:
    for question in ("whats the difference between is and == ?", "what does os.path.join do"):
        answer = await ask(folder, question)
        assert 3 <= len(answer.follow_ups) <= 5
        for follow_up in answer.follow_ups:
            assert follow_up.endswith("?") and follow_up != question
            assert not any(mark in follow_up for mark in "¶#*_`[]<>|")
            assert "should I know" not in follow_up
    answer = await ask(folder, "what does os.path.join do")
    assert "What does os.path.split() do?" in answer.follow_ups
