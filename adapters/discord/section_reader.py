"""What a Read click or the "All sources" button shows: one section (or the sources), whole.

A pure function of the answer. The reply is one ephemeral V2 message; when
the section is longer than Discord lets one message hold, the message shows
as much as fits, cut with "…", and the whole section comes along as an
attached text file, so nothing is ever out of reach.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import discord
from discord import ui

from adapters.discord.markdown import fit
from adapters.discord.render import (
    HEADING_CHARS,
    MAX_TEXT_CHARS,
    TITLE_CHARS,
    claims_text,
    source_line,
)
from adapters.report import and_more, lines_within
from answers import Answer, Claim, Source

FILE_NOTE = "-# The whole text is in the attached file."
CITED_HEADING = "**Sources cited here**"
NOTE_RESERVE = 200  # room kept for the file note, separators and "…"
MORE_RESERVE = 20  # room kept for "…and N more."
MAX_SECTION_CHARS = 10**7  # no cut: the whole section, to measure it


@dataclass(frozen=True)
class Attachment:
    """A text file sent with the message (plain text: nothing in it is markdown)."""

    filename: str
    text: str

    def to_file(self) -> discord.File:
        return discord.File(io.BytesIO(self.text.encode("utf-8")), filename=self.filename)


@dataclass(frozen=True)
class ReaderPage:
    view: ui.LayoutView
    attachment: Attachment | None = None


def render_section(answer: Answer, index: int) -> ReaderPage:
    """Section `index` (0-based) with its citations and the sources it cites; raises IndexError."""
    section = answer.sections[index]
    head = (
        f"### {index + 1}. {fit(section.heading, HEADING_CHARS)}\n"
        f"-# From the report on: {fit(answer.title, TITLE_CHARS)}"
    )
    cited = [source_line(s) for s in _cited_sources(answer, section.claims)]
    whole = claims_text(answer, section.claims, MAX_SECTION_CHARS, sep="\n- ")
    sources = _lines_within([CITED_HEADING, *cited], MAX_TEXT_CHARS)
    if len(head) + len(whole) + len(sources) + 3 <= MAX_TEXT_CHARS:
        return ReaderPage(_page(f"{head}\n- {whole}", sources))
    room = MAX_TEXT_CHARS - len(head) - NOTE_RESERVE
    sources = _lines_within([CITED_HEADING, *cited], room // 3)
    shown = claims_text(answer, section.claims, room - len(sources), sep="\n- ")
    filename = f"section-{index + 1}.txt"
    return ReaderPage(
        _page(f"{head}\n- {shown}", sources, file=filename),
        Attachment(filename, _section_as_text(answer, index)),
    )


def render_sources(answer: Answer) -> ReaderPage:
    """Every source of the answer, numbered, with publisher and date."""
    head = f"### Sources\n-# For the report on: {fit(answer.title, TITLE_CHARS)}"
    lines = [source_line(s, is_dated=True) for s in answer.sources]
    listing = "\n".join(lines) or "This report cites no sources."
    if len(head) + len(listing) <= MAX_TEXT_CHARS:
        return ReaderPage(_page(head, listing))
    shown = _lines_within(lines, MAX_TEXT_CHARS - len(head) - NOTE_RESERVE)
    return ReaderPage(
        _page(head, shown, file="sources.txt"),
        Attachment("sources.txt", _sources_as_text(answer.sources)),
    )


def _lines_within(lines: list[str], room: int) -> str:
    """As many `lines` as fit in `room`, then "…and N more." for the rest."""
    shown, left_out = lines_within(lines, room, reserve=MORE_RESERVE)
    if left_out:
        shown.append(f"{and_more(left_out)}.")
    return "\n".join(shown)


def _page(*texts: str, file: str | None = None) -> ui.LayoutView:
    view = ui.LayoutView(timeout=None)
    box: ui.Container[ui.LayoutView] = ui.Container()
    for i, text in enumerate(texts):
        if i:
            box.add_item(ui.Separator())
        box.add_item(ui.TextDisplay(text))
    if file is not None:
        box.add_item(ui.TextDisplay(FILE_NOTE))
        box.add_item(ui.File(f"attachment://{file}"))
    view.add_item(box)
    return view


def _cited_sources(answer: Answer, claims: tuple[Claim, ...]) -> list[Source]:
    numbers = dict.fromkeys(n for claim in claims for n in claim.cites)
    return [answer.source(n) for n in numbers]


def _section_as_text(answer: Answer, index: int) -> str:
    section = answer.sections[index]
    lines = [f"{index + 1}. {section.heading}", f"From the report on: {answer.title}", ""]
    for claim in section.claims:
        lines.append("- " + claim.text + "".join(f" [{n}]" for n in claim.cites))
        if claim.code and claim.code.strip():
            lines += ["", *(f"    {line}" for line in claim.code.strip("\n").splitlines()), ""]
    cited = _cited_sources(answer, section.claims)
    if cited:
        lines += ["", "Sources", _sources_as_text(tuple(cited))]
    return "\n".join(lines) + "\n"


def _sources_as_text(sources: tuple[Source, ...]) -> str:
    lines = []
    for s in sources:
        details = " · ".join(
            x for x in (s.publisher, f"{s.published:%Y-%m-%d}" if s.published else "") if x
        )
        lines.append(f"[{s.n}] {s.title}" + (f" ({details})" if details else "") + f"\n    {s.url}")
    return "\n".join(lines)
