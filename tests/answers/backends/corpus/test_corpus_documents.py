"""Reading corpus files: Markdown, plain text and HTML into titles, blocks and passages."""

from __future__ import annotations

import codecs
from datetime import date

import pytest

from answers.backends.corpus.documents import passages, read_document
from answers.ingest.chunks import MAX_PARAGRAPH_WORDS as MAX_BLOCK_WORDS
from tests.answers.backends.corpus_samples import BIKES_MD, COFFEE_TXT, TEA_MD, VOLCANO_HTML


def kinds(text: bytes, path: str) -> list[tuple[str, str]]:
    return [(b.kind, b.text) for b in read_document(path, text, folder_name="kb").blocks]


def test_markdown_title_front_matter_and_blocks() -> None:
    doc = read_document("tea.md", TEA_MD.encode(), folder_name="kb")
    assert doc.title == "Brewing green tea"  # front matter wins over the first heading
    assert doc.url == "https://tea.example.org/green"
    assert doc.publisher == "Tea Guild"
    assert doc.published == date(2025, 3, 14)
    blocks = [(b.kind, b.text) for b in doc.blocks]
    assert ("heading", "Green tea") in blocks
    assert ("prose", "Japanese sencha needs about one minute.") in blocks
    assert ("code", "brew --temp 80 --minutes 2") in blocks
    assert "title: Brewing green tea" not in doc.text  # front matter is not text


def test_markdown_inline_markup_is_removed_and_soft_breaks_joined() -> None:
    text = b"# T\n\nSet `REDIS_URL` to **share** the [cache](https://x.org) across\nprocesses.\n"
    assert kinds(text, "a.md")[1] == ("prose", "Set REDIS_URL to share the cache across processes.")


def test_markdown_without_front_matter_takes_the_first_heading_and_a_path_url() -> None:
    doc = read_document("guides/bikes.md", BIKES_MD.encode(), folder_name="kb")
    assert doc.title == "Bicycle maintenance"
    assert doc.url == "kb/guides/bikes.md"
    assert doc.publisher == "" and doc.published is None


def test_markdown_tables_and_raw_html_blocks() -> None:
    text = b"# T\n\n| key | ttl |\n|---|---|\n| q: | 24h |\n\n<div><h2>Raw</h2><p>Inside &amp; out.</p></div>\n"
    blocks = kinds(text, "t.md")
    assert ("table", "q: | 24h") in blocks
    assert ("heading", "Raw") in blocks
    assert ("prose", "Inside & out.") in blocks


def test_a_horizontal_rule_at_the_top_is_not_front_matter() -> None:
    text = b"---\nJust a paragraph, not front matter.\n\nMore text here.\n"
    doc = read_document("rule.md", text, folder_name="kb")
    assert "More text here." in doc.text
    assert doc.title == "Rule"  # no heading: the file name


def test_plain_text_headings_paragraphs_and_lists() -> None:
    doc = read_document("coffee.txt", COFFEE_TXT.encode(), folder_name="kb")
    assert doc.title == "Coffee roasting"
    blocks = [(b.kind, b.text) for b in doc.blocks]
    assert ("heading", "Grinding") in blocks
    assert (
        "prose",
        "Coffee beans are roasted at 190 to 240 degrees Celsius until they crack. Light roasts "
        "keep more of the bean's acidity, and dark roasts taste of the roast itself.",
    ) in blocks
    assert (
        "prose",
        "Roasted beans keep their flavour for about a month in an airtight jar.",
    ) in blocks


def test_html_skips_furniture_and_reads_head_details() -> None:
    doc = read_document("volcano.html", VOLCANO_HTML.encode(), folder_name="kb")
    assert doc.title == "Volcanoes of Iceland"
    assert doc.url == "https://geo.example.org/iceland-volcanoes"
    assert doc.publisher == "Geo Notes"
    assert "Eyjafjallajökull" in doc.text  # entities decoded
    for furniture in ("script text", "Navigation text", "Footer text", "color: red"):
        assert furniture not in doc.text
    assert ("heading", "Why Iceland has so many volcanoes") in [
        (b.kind, b.text) for b in doc.blocks
    ]


def test_html_without_title_uses_its_first_heading_and_charset() -> None:
    html = '<meta charset="iso-8859-1"><h1>Caf\xe9 notes</h1><p>Na\xefve text.</p>'.encode(
        "latin-1"
    )
    doc = read_document("page.htm", html, folder_name="kb")
    assert doc.title == "Café notes"
    assert "Naïve text." in doc.text


def test_an_unclosed_title_does_not_swallow_the_page() -> None:
    # Everything after "<title>" used to become the (never finished) title: no text, no title.
    html = b"<html><head><title>Tea notes<body><p>Green tea holds caffeine.</p></body></html>"
    doc = read_document("notes.html", html, folder_name="kb")
    assert doc.title == "Tea notes"
    assert doc.text == "Green tea holds caffeine."
    assert read_document("t.html", b"<title>Only a title", folder_name="kb").title == "Only a title"


def test_byte_order_marks_and_bad_bytes_never_fail() -> None:
    utf16 = codecs.BOM_UTF16_LE + "# Titre\n\nÉté.\n".encode("utf-16-le")
    assert read_document("x.md", utf16, folder_name="kb").title == "Titre"
    utf8 = codecs.BOM_UTF8 + b"# Title\n\nBody.\n"
    assert read_document("x.md", utf8, folder_name="kb").title == "Title"
    broken = b"# Broken \xff\xfe bytes\n\nText with \x00 a NUL and \x1b[31m escapes.\n"
    doc = read_document("x.md", broken, folder_name="kb")
    assert "\ufffd" in doc.title
    assert "\x00" not in doc.text and "\x1b" not in doc.text


def test_odd_unicode_survives_as_it_is() -> None:
    text = "# Ünïcödé\n\nRTL \u202eevil\u202c, zero\u200bwidth, emoji 🧪🔥, e\u0301 combining.\n"
    doc = read_document("u.md", text.encode(), folder_name="kb")
    assert "emoji 🧪🔥" in doc.text and "zero\u200bwidth" in doc.text


def test_an_empty_file_has_a_title_and_no_passages() -> None:
    doc = read_document("notes/empty-file.md", b"", folder_name="kb")
    assert doc.title == "Empty file"
    assert passages(doc) == []


def test_passages_keep_their_heading_and_are_slices_of_the_text() -> None:
    doc = read_document("tea.md", TEA_MD.encode(), folder_name="kb")
    found = passages(doc)
    headings = [p.heading for p in found]
    assert headings == ["Green tea", "Brewing temperature", "Steeping time", "Caffeine"]
    steeping = found[2]
    # The code block follows the list's last item, which introduces it.
    assert [c.text for c in steeping.code] == ["brew --temp 80 --minutes 2"]
    for p in found:
        for line in p.text.split("\n"):
            assert line in doc.text


def test_long_paragraphs_are_cut_at_sentence_ends() -> None:
    sentence = "Tea leaves unfurl slowly in warm water over several minutes of steeping. "
    doc = read_document("long.md", ("# Long\n\n" + sentence * 60).encode(), folder_name="kb")
    found = passages(doc)
    assert len(found) > 2
    for p in found:
        assert p.text.endswith("steeping.")
        assert p.text in doc.text


@pytest.mark.timeout(20)
def test_one_huge_paragraph_is_cut_in_linear_time_into_bounded_passages() -> None:
    # 1 MB on one line: sentence splitting used to look back to the line's start at every full
    # stop (ten minutes here; a 10 MB file, days). A hang guard, not a timing assertion.
    text = ("Caffeine is a stimulant found in tea and coffee. " * 20_000).encode()
    found = passages(read_document("one.md", text, folder_name="kb"))
    assert len(found) > 100
    assert max(len(p.text.split()) for p in found) <= MAX_BLOCK_WORDS


def test_a_paragraph_without_full_stops_is_cut_into_bounded_slices() -> None:
    # A data dump with no sentence ends used to become one passage as long as the file.
    text = " ".join(f"w{i}" for i in range(5000))
    doc = read_document("dump.txt", text.encode(), folder_name="kb")
    found = passages(doc)
    assert len(found) > 10
    assert max(len(p.text.split()) for p in found) <= MAX_BLOCK_WORDS
    assert all(line in doc.text for p in found for line in p.text.split("\n"))  # still slices
