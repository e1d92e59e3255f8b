"""The report's sections in Slack, inside the message's text budget: one collapsible `container`
per section, or (`SLACK_SECTIONS=buttons`) a heading with Show/Hide details per section.

Sections share what the rest of the message leaves of Slack's text limit:
short sections get all they need, long ones share the rest (`share`). A
heading cut to fit its title is repeated whole inside its section when
there is room.
"""

from __future__ import annotations

from collections.abc import Sequence

from adapters.report import FittedClaims, fit_claims
from adapters.slack.blockkit import (
    MAX_CONTAINER_CHILDREN,
    MAX_CONTAINER_TITLE_CHARS,
    MAX_SECTION_TEXT_CHARS,
    Block,
    BlockIds,
    fitted_button,
    pack,
    plain_text,
    section,
    share,
    text_size,
)
from adapters.slack.controls import SECTION, ReportView
from adapters.slack.mrkdwn import MRKDWN, fit
from answers import Answer, Claim

__all__ = ["claim_lines", "containers", "toggles"]

TOGGLE_HEADING_CHARS = 300  # a heading beside Show details; cut ones are whole when opened
MAX_BODY_BLOCKS = 3  # section blocks per report section body


def containers(answer: Answer, budget: int, ids: BlockIds) -> list[Block]:
    """One collapsed `container` per section, its body within its share of `budget`."""
    titles = [
        fit(f"{i + 1}. {s.heading}", MAX_CONTAINER_TITLE_CHARS)
        for i, s in enumerate(answer.sections)
    ]
    budget -= sum(len(t) for t in titles)
    caps = share(
        [
            _section_need(s.claims, answer, s.heading, t)
            for s, t in zip(answer.sections, titles, strict=True)
        ],
        budget,
    )
    blocks = []
    for i, (part, title, cap) in enumerate(zip(answer.sections, titles, caps, strict=True)):
        children = _section_body(i, part.claims, part.heading, title, answer, cap, ids)
        blocks.append(
            {
                "type": "container",
                "block_id": ids(f"section-{i}"),
                "title": plain_text(title),
                "is_collapsible": True,
                "default_collapsed": True,
                "child_blocks": children[:MAX_CONTAINER_CHILDREN],
            }
        )
    return blocks


def toggles(answer: Answer, view: ReportView, budget: int, ids: BlockIds) -> list[Block]:
    """Each heading with Show/Hide details; the sections open in `view` with their bodies."""
    titles = [
        fit(f"{i + 1}. {s.heading}", TOGGLE_HEADING_CHARS) for i, s in enumerate(answer.sections)
    ]
    headings = [section(f"*{title}*", ids(f"section-{i}")) for i, title in enumerate(titles)]
    for i, heading in enumerate(headings):
        is_open = i in view.open_sections
        heading["accessory"] = fitted_button(
            "Hide details" if is_open else "Show details",
            SECTION.format(index=i),
            view.toggled(i).encode(),
        )
    budget -= text_size(headings)
    opened = [i for i in range(len(answer.sections)) if i in view.open_sections]
    caps = share(
        [
            _section_need(answer.sections[i].claims, answer, answer.sections[i].heading, titles[i])
            for i in opened
        ],
        budget,
    )
    bodies = {
        i: _section_body(
            i, answer.sections[i].claims, answer.sections[i].heading, titles[i], answer, cap, ids
        )
        for i, cap in zip(opened, caps, strict=True)
    }
    blocks = []
    for i, heading in enumerate(headings):
        blocks.append(heading)
        blocks.extend(bodies.get(i, []))
    return blocks


def _section_need(
    claims: Sequence[Claim], answer: Answer, heading: str | None, title: str | None
) -> int:
    """Characters a section body takes uncut (so short sections leave budget to long ones)."""
    fitted = claim_lines(
        claims, answer, cap=MAX_BODY_BLOCKS * MAX_SECTION_TEXT_CHARS, bullet="• ", joiner="\n"
    )
    extra = _full_heading(heading, title)
    return len(fitted.text) + 1 + (len(extra) + 1 if extra else 0)


def _full_heading(heading: str | None, title: str | None) -> str | None:
    """The whole heading, repeated inside a section whose title had to be cut."""
    if heading is None or title is None or not title.endswith("…"):
        return None
    return f"*{fit(heading, MAX_SECTION_TEXT_CHARS - 2)}*"


def _section_body(
    index: int,
    claims: Sequence[Claim],
    heading: str | None,
    title: str | None,
    answer: Answer,
    cap: int,
    ids: BlockIds,
) -> list[Block]:
    full_heading = _full_heading(heading, title)
    if full_heading is not None:
        # Whole when heading and body both fit; else only while it takes under a third.
        fits = len(full_heading) + 1 + _section_need(claims, answer, None, None) <= cap
        full_heading = full_heading if fits or len(full_heading) < cap // 3 else None
    lines = claim_lines(
        claims, answer, cap=cap - (len(full_heading or "") + 1), bullet="• ", joiner="\n"
    ).lines
    if full_heading is not None:
        lines.insert(0, full_heading)
    chunks = pack(lines, "\n", MAX_SECTION_TEXT_CHARS)[:MAX_BODY_BLOCKS]
    return [section(chunk, ids(f"section-{index}-{k}")) for k, chunk in enumerate(chunks)]


def claim_lines(
    claims: Sequence[Claim], answer: Answer, *, cap: int, bullet: str, joiner: str
) -> FittedClaims:
    """The claims (escaped text, citation links, code) within `cap` characters in all, each
    line within one section block."""
    return fit_claims(
        MRKDWN,
        answer,
        claims,
        limit=cap,
        sep=joiner,
        bullet=bullet,
        line_limit=MAX_SECTION_TEXT_CHARS,
    )
