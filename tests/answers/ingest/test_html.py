"""HTML to blocks: the page's structure kept, its furniture gone, its code verbatim."""

from __future__ import annotations

import pickle

from answers.ingest.chunks import chunk_document
from answers.ingest.documents import read_document
from answers.ingest.html import read_html
from answers.ingest.model import Block

# A documentation page the way generators write them: a sidebar with a table of contents and
# "Previous topic" links, header-link marks, an API entry as a definition list with a code
# example inside it, and prose that comes after the entry.
DOC_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8">
<title>kettles — Boiling water &#8212; Brew 2.0 documentation</title>
<link rel="canonical" href="https://brew.example.org/kettles.html">
</head><body>
<div class="related" role="navigation"><ul><li><a href="index.html">index</a></li>
<li><a href="tea.html">next</a> |</li></ul></div>
<div class="document"><div class="body" role="main">
<section id="kettles">
<h1>kettles — Boiling water<a class="headerlink" href="#kettles" title="Permalink">¶</a></h1>
<p>The kettles module boils water for tea. It keeps the water at the temperature you ask for,
so green and black teas each get what they need.</p>
<dl class="py function">
<dt id="kettles.boil"><span class="sig-name">kettles.boil</span>(<em>temperature</em>,
<em>*</em>, <em>keep_warm=False</em>)<a class="headerlink" href="#kettles.boil">¶</a></dt>
<dd><p>Boil water to <em>temperature</em> degrees and return the kettle. Use it like this:</p>
<div class="highlight"><pre><span></span>kettle = kettles.boil(80)
if kettle.ready:
    pour(kettle)
</pre></div>
</dd></dl>
<p>Water that boiled once tastes flat, so refill the kettle for every pot.</p>
<section id="descaling"><h2>Descaling<a class="headerlink" href="#descaling">#</a></h2>
<p>Descale the kettle every month in hard-water areas, with vinegar or citric acid.</p>
</section></section>
</div></div>
<div class="sphinxsidebar" role="navigation"><div class="sphinxsidebarwrapper">
<h3><a href="contents.html">Table of Contents</a></h3>
<ul><li><a href="#">kettles — Boiling water</a></li><li><a href="#descaling">Descaling</a></li></ul>
<h4>Previous topic</h4><p class="topless"><a href="tea.html">tea — Steeping leaves</a></p>
<h3>This Page</h3><ul><li><a href="_sources/kettles.rst.txt">Show Source</a></li></ul>
</div></div>
<div class="footer">&copy; Copyright 2026, Brew Makers. Last updated on Jan 01, 2026.</div>
</body></html>
"""


def kinds(blocks: tuple[Block, ...] | list[Block]) -> list[tuple[str, str]]:
    return [(b.kind, b.text) for b in blocks]


def test_page_furniture_and_header_link_marks_are_removed() -> None:
    document = read_html(DOC_PAGE.encode(), url="https://brew.example.org/kettles.html")
    text = document.text
    for furniture in ("Table of Contents", "Previous topic", "This Page", "Show Source", "¶"):
        assert furniture not in text
    assert "Copyright" not in text and "next |" not in text
    assert ("heading", "Descaling") in kinds(document.blocks)  # its "#" mark gone too
    assert document.title == "kettles — Boiling water"  # the site's name split off
    assert document.publisher == "Brew 2.0 documentation"
    assert document.url == "https://brew.example.org/kettles.html"


def test_an_api_entry_becomes_a_heading_with_its_code_verbatim() -> None:
    blocks = read_html(DOC_PAGE).blocks
    found = kinds(blocks)
    term = next(b for b in blocks if b.kind == "term")
    assert term.text == "kettles.boil(temperature, *, keep_warm=False)"
    assert term.level > next(b.level for b in blocks if b.kind == "heading")
    code = next(b.text for b in blocks if b.kind == "code")
    assert code == "kettle = kettles.boil(80)\nif kettle.ready:\n    pour(kettle)"
    said = found.index(
        ("prose", "Boil water to temperature degrees and return the kettle. Use it like this:")
    )
    assert found[said + 1] == ("code", code)
    # The definition list ends before the paragraph after it: that paragraph is not the entry's.
    after = found.index(
        ("prose", "Water that boiled once tastes flat, so refill the kettle for every pot.")
    )
    assert any(b.kind == "end" for b in blocks[:after])


def test_small_pages_and_fragments_keep_every_block() -> None:
    html = b"<h1>Everest</h1><p>Mount Everest is 8,849 metres tall.</p><ul><li>Nepal</li></ul>"
    document = read_document(html, name="everest.html")
    assert kinds(document.blocks) == [
        ("heading", "Everest"),
        ("prose", "Mount Everest is 8,849 metres tall."),
        ("prose", "Nepal"),
    ]


def test_a_list_item_s_bold_title_heads_what_follows_it_in_the_item() -> None:
    html = (
        b"<html><body><h1>Kettle limits</h1><p>Every kettle has limits worth knowing.</p><ol>"
        b"<li><p><b>Largest volume</b></p><p>A kettle holds at most 1.7 litres.</p></li>"
        b"<li><p><b>Hottest water</b></p><p>Water boils at 100 degrees at sea level.</p></li>"
        b"</ol><p>Limits differ between models.</p>"
        b"<ul><li><p><b>Bold words that end like a sentence.</b></p></li><li>Plain</li></ul>"
        b"</body></html>"
    )
    blocks = read_html(html).blocks
    found = kinds(blocks)
    volume = found.index(("term", "Largest volume"))
    assert found[volume + 1] == ("prose", "A kettle holds at most 1.7 litres.")
    assert ("term", "Hottest water") in found
    # The list ends, and with it its titles: the paragraph after it is the page's again.
    after = found.index(("prose", "Limits differ between models."))
    assert found[after - 1] == ("end", "")
    assert ("prose", "Bold words that end like a sentence.") in found
    assert sum(1 for b in blocks if b.kind == "end") == 1  # a list without titles ends nothing


def test_a_bold_question_heads_its_answer_on_a_page_of_questions() -> None:
    # FAQ pages write each question as a bold paragraph, its answer in the blocks after it.
    html = (
        b"<html><body><h2>Frequently Asked Questions</h2>"
        b"<p><b>(1) How hot does the kettle get?</b></p>"
        b"<blockquote><p>It stops at 100 degrees at sea level.</p></blockquote>"
        b"<p><b>(2) Can two kettles share one socket at the same time?</b></p>"
        b"<blockquote><p>Only one kettle can draw power at a time.</p>"
        b"<p>The second waits for the first to click off.</p></blockquote>"
        b"<p><b>Bold, but no question.</b></p><p>An ordinary paragraph.</p>"
        b"</body></html>"
    )
    document = read_html(html)
    found = kinds(document.blocks)
    second = found.index(("term", "(2) Can two kettles share one socket at the same time?"))
    assert found[second + 1] == ("prose", "Only one kettle can draw power at a time.")
    assert ("prose", "Bold, but no question.") in found  # outside a list, only a question heads
    chunks = chunk_document(document)
    answer = next(c for c in chunks if "draw power" in c.text)
    assert answer.heading == "(2) Can two kettles share one socket at the same time?"
    assert answer.parents == ("Frequently Asked Questions",)
    assert "click off" in answer.text and "100 degrees" not in answer.text


def test_hidden_text_and_scripts_never_become_blocks() -> None:
    html = (
        "<html><body><p>Visible tea facts are here for every reader.</p>"
        "<p style='display:none'>PLANTED one</p><div aria-hidden='true'>PLANTED two</div>"
        "<template><p>PLANTED three</p></template><script>PLANTED()</script>"
        "<nav>PLANTED menu</nav></body></html>"
    )
    assert "PLANTED" not in read_html(html).text


def test_reading_html_is_a_plain_picklable_function_of_its_input() -> None:
    first = read_html(DOC_PAGE, url="https://brew.example.org/kettles.html")
    again = pickle.loads(pickle.dumps(first))
    assert again == first == read_html(DOC_PAGE, url="https://brew.example.org/kettles.html")
    assert pickle.loads(pickle.dumps(read_html)) is read_html


def test_markdown_and_text_give_the_same_kind_of_blocks() -> None:
    markdown = b"# Kettles\n\nBoil it like this:\n\n```\nkettle.boil(80)\n```\n"
    text = b"Kettles\n=======\n\nBoil it like this:\n\n    kettle.boil(80)\n"
    expected = [
        ("heading", "Kettles"),
        ("prose", "Boil it like this:"),
        ("code", "kettle.boil(80)"),
    ]
    assert kinds(read_document(markdown, name="k.md").blocks) == expected
    assert kinds(read_document(text, name="k.txt").blocks) == expected
