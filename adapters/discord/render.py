"""An `Answer` as one Discord message in Components V2: a pure function, no I/O.

Layout, all in one container: title, checked-on (a Discord timestamp) and
disclaimer; the summary with `[[n]](<url>)` citations; each section heading
with a "Read" button (or, when the buttons would not fit, one "Read a
section…" menu); limitations; the numbered sources; the follow-up buttons;
👍/👎, "All sources" when the list was shortened, and "Refresh" on a stale
report. Section bodies are not in the message: they open on demand,
ephemerally (see `section_reader`), so a report of any size fits Discord's
limits below.
"""

from __future__ import annotations

from typing import Any

from discord import ui

from adapters.discord.feedback_button import FeedbackButton
from adapters.discord.followup_button import FollowUpButton, follow_up_label
from adapters.discord.markdown import DISCORD_MARKDOWN, fit, timestamp
from adapters.discord.read_button import ReadButton
from adapters.discord.refresh_button import RefreshButton
from adapters.discord.section_picker import SectionPicker, section_options
from adapters.discord.sources_button import SourcesButton
from adapters.report import and_more, fit_claims, lines_within
from adapters.report import source_line as core_source_line
from adapters.wording import answering_line
from answers import Answer, Claim, Source

# Discord's limits for one message (Components V2).
MAX_COMPONENTS = 40  # every component counts, nested ones included
MAX_TEXT_CHARS = 4000  # all Text Displays together
MAX_LABEL_CHARS = 80  # a button label
MAX_CUSTOM_ID_CHARS = 100
MAX_BUTTONS_PER_ROW = 5

# How the text budget is shared; the sources take what is left.
TITLE_CHARS = 200
DISCLAIMER_CHARS = 200
ANSWERING_CHARS = 400  # "Answering: <the follow-up as understood>"
SUMMARY_CHARS = 1200
HEADING_CHARS = 120
LIMITATIONS_CHARS = 400
SOURCE_TITLE_CHARS = 80
PUBLISHER_CHARS = 40
MORE_SOURCES_RESERVE = 60  # room kept for the "…and N more" line

# Components per part, for choosing buttons or a menu for the sections.
SECTION_WITH_BUTTON = 3  # Section + its Text Display + the button
SECTION_MENU = 3  # the headings' Text Display + an action row + the menu

ACCENT = 0x5865F2
STALE_ACCENT = 0xF0B232
DIVE_DEEPER = "**Want to dive deeper?**"


def render_answer(
    answer: Answer, *, is_stale: bool = False, asked_by: int | None = None
) -> ui.LayoutView:
    """The whole report as a `LayoutView` within every limit above, whatever the answer's size;
    `asked_by` names who asked (shown as a mention, which never pings)."""
    view = ui.LayoutView(timeout=None)
    box: ui.Container[ui.LayoutView] = ui.Container(
        accent_colour=STALE_ACCENT if is_stale else ACCENT
    )
    view.add_item(box)
    used = 0

    def text(content: str) -> ui.TextDisplay[Any]:
        nonlocal used
        used += len(content)
        return ui.TextDisplay(content)

    box.add_item(text(_header(answer, is_stale=is_stale, asked_by=asked_by)))
    box.add_item(text(claims_text(answer, answer.summary, SUMMARY_CHARS)))
    if answer.sections:
        box.add_item(ui.Separator())
        if uses_read_buttons(answer, is_stale=is_stale):
            for i, section in enumerate(answer.sections):
                heading = text(f"**{i + 1}. {fit(section.heading, HEADING_CHARS)}**")
                box.add_item(ui.Section(heading, accessory=ReadButton(answer.id, i)))
        else:
            box.add_item(
                text(
                    "\n".join(
                        f"**{i + 1}.** {fit(section.heading, HEADING_CHARS)}"
                        for i, section in enumerate(answer.sections)
                    )
                )
            )
            box.add_item(ui.ActionRow(SectionPicker(answer.id, section_options(answer))))
    if answer.limitations or answer.sources:
        box.add_item(ui.Separator())
    if answer.limitations:
        limits = claims_text(answer, answer.limitations, LIMITATIONS_CHARS)
        box.add_item(text(f"**Limitations**\n{limits}"))
    is_shortened = False
    if answer.sources:
        room = MAX_TEXT_CHARS - used - len(DIVE_DEEPER)
        listing, is_shortened = _sources(answer.sources, room)
        box.add_item(text(listing))
    labels = [follow_up_label(q) for q in answer.follow_ups[:MAX_BUTTONS_PER_ROW]]
    if any(labels):
        box.add_item(text(DIVE_DEEPER))
        follow_ups = ui.ActionRow[Any]()
        for i, label in enumerate(labels):
            if label:  # a blank follow-up would be a button Discord refuses
                follow_ups.add_item(FollowUpButton(answer.id, i, label=label))
        box.add_item(follow_ups)
    controls = ui.ActionRow[Any](FeedbackButton(answer.id, "up"), FeedbackButton(answer.id, "down"))
    if is_shortened:
        controls.add_item(SourcesButton(answer.id))
    if is_stale:
        controls.add_item(RefreshButton(answer.id))
    box.add_item(controls)
    return view


def render_notice(text: str) -> ui.LayoutView:
    """A one-line V2 message: progress while researching, or an error in a private reply."""
    view = ui.LayoutView(timeout=None)
    view.add_item(ui.TextDisplay(text[:MAX_TEXT_CHARS]))
    return view


def uses_read_buttons(answer: Answer, *, is_stale: bool) -> bool:
    """Whether a Read button per section fits in the component limit (else: one menu)."""
    return (
        _components_besides_sections(answer, is_stale=is_stale)
        + SECTION_WITH_BUTTON * len(answer.sections)
        <= MAX_COMPONENTS
    )


def _components_besides_sections(answer: Answer, *, is_stale: bool) -> int:
    count = 3  # container, header, summary
    count += 1 if answer.sections else 0  # separator above the sections
    count += 1 if answer.limitations or answer.sources else 0  # separator below them
    count += 1 if answer.limitations else 0
    count += 1 if answer.sources else 0
    count += 1 + 1 + min(len(answer.follow_ups), MAX_BUTTONS_PER_ROW)  # heading, row, buttons
    # Feedback row: 👍, 👎, "All sources" (counted whenever there are sources), "Refresh".
    count += 1 + 2 + (1 if answer.sources else 0) + (1 if is_stale else 0)
    return count


def _header(answer: Answer, *, is_stale: bool, asked_by: int | None = None) -> str:
    lines = [f"## {fit(answer.title, TITLE_CHARS)}"]
    answering = answering_line(answer)
    if answering is not None:  # a follow-up: what factbot understood it to ask
        lines.append(f"*{fit(answering, ANSWERING_CHARS)}*")
    asker = f"Asked by <@{asked_by}> · " if asked_by is not None else ""
    lines.append(
        f"-# {asker}Checked on {timestamp(answer.checked_on)} · "
        f"{fit(answer.disclaimer, DISCLAIMER_CHARS)}"
    )
    if is_stale:
        lines.append(
            f"-# ⚠️ This report is from {timestamp(answer.checked_on, 'R')}; "
            "press **Refresh** for a fresh one."
        )
    return "\n".join(lines)


def claims_text(answer: Answer, claims: tuple[Claim, ...], limit: int, *, sep: str = " ") -> str:
    """Claims with their citations (and code), joined by `sep`, in at most `limit` characters."""
    return fit_claims(DISCORD_MARKDOWN, answer, claims, limit=limit, sep=sep).text


def source_line(source: Source, *, is_dated: bool = False) -> str:
    """`[n] [Title](<url>) · Publisher` (the URL as code when it may not be a link)."""
    return core_source_line(
        DISCORD_MARKDOWN,
        source,
        number=f"[{source.n}]",
        title_chars=SOURCE_TITLE_CHARS,
        publisher_chars=PUBLISHER_CHARS,
        is_dated=is_dated,
    )


def _sources(sources: tuple[Source, ...], room: int) -> tuple[str, bool]:
    """The numbered source list in `room` characters, and whether it had to be shortened."""
    lines = ["**Sources**", *(source_line(s) for s in sources)]
    shown, left_out = lines_within(lines, room, reserve=MORE_SOURCES_RESERVE)
    if left_out:
        shown.append(f"-# {and_more(left_out)}: press **All sources**.")
    return "\n".join(shown), bool(left_out)


__all__ = [
    "MAX_COMPONENTS",
    "MAX_CUSTOM_ID_CHARS",
    "MAX_LABEL_CHARS",
    "MAX_TEXT_CHARS",
    "render_answer",
    "render_notice",
    "uses_read_buttons",
]
