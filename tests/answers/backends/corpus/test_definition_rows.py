"""A module page's overview table answers "what is <module>.<member>" in its own words, end to
end: the row "Kettle() | factory function ..." is found by the name kettles.Kettle and quoted
as the page stores it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from answers import Answer
from tests.answers.backends.corpus_samples import ask_corpus, assert_quotes_are_verbatim

CHECKED_ON = datetime(2026, 11, 29, 9, 30, tzinfo=UTC)
ROW = "Kettle() | factory function for creating vessels with whistling lids"

KETTLES_HTML = """<!DOCTYPE html><html><head><title>kettles — Boiling water</title></head>
<body><div class="body" role="main">
<h1>kettles — Boiling water<a class="headerlink" href="#k">¶</a></h1>
<p>This module implements specialized boiling devices for a kitchen of any size.</p>
<table><tr><td><a href="#kettles.Kettle">Kettle()</a></td>
<td>factory function for creating vessels with whistling lids</td></tr>
<tr><td><a href="#kettles.Pot">Pot</a></td><td>wide container with a heavy base for soups</td></tr>
</table>
<h2>Kettle() Factory Function for Vessels<a class="headerlink" href="#f">¶</a></h2>
<dl><dt>kettles.Kettle(volume, *, lid=True)<a class="headerlink" href="#kettles.Kettle">¶</a></dt>
<dd><p>Returns a new vessel holding volume litres. The vessel is heated from below.</p>
<p>Changed in version 3.2: the lid became a keyword argument.</p></dd></dl>
<dl><dt>kettles.Kettle.boil()</dt><dd><p>Heat the water until it boils.</p></dd></dl>
<dl><dt>kettles.Pot(size)</dt><dd><p>Returns a pot of the given size.</p></dd></dl>
</div></body></html>
"""

# The same rows on a page that documents no module: an index of links, not definitions.
INDEX_HTML = """<!DOCTYPE html><html><head><title>Kitchen API Index</title></head>
<body><div class="body" role="main"><h1>Kitchen API Index</h1>
<p>Every kitchen function on one page.</p>
<table><tr><td><a href="kettles.html#kettles.Kettle">Kettle()</a></td>
<td>factory function for creating vessels with whistling lids</td></tr></table>
</div></body></html>
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "kettles.html").write_text(KETTLES_HTML, encoding="utf-8")
    (folder / "index.html").write_text(INDEX_HTML, encoding="utf-8")
    return folder


async def ask(folder: Path, question: str) -> Answer:
    return await ask_corpus(folder, question, checked_on=CHECKED_ON)


async def test_a_definition_row_answers_its_qualified_name_verbatim(folder: Path) -> None:
    answer = await ask(folder, "what is kettles.Kettle")
    quoted = [c for c in answer.summary if c.text == ROW]
    assert quoted, [c.text for c in answer.summary]
    assert {answer.source(n).url for n in quoted[0].cites} == {"docs/kettles.html"}
    assert assert_quotes_are_verbatim(answer, folder) >= 1


async def test_a_row_of_a_page_documenting_no_module_is_not_quoted(folder: Path) -> None:
    answer = await ask(folder, "what is kettles.Kettle")
    from_index = [
        c.text
        for c in answer.all_claims()
        if "docs/index.html" in {answer.source(n).url for n in c.cites}
    ]
    assert ROW not in from_index


async def test_a_row_answers_a_member_asked_by_its_bare_name(folder: Path) -> None:
    answer = await ask(folder, "what is a Pot in kettles")
    assert "Pot | wide container with a heavy base for soups" in [
        c.text for c in answer.all_claims()
    ]
