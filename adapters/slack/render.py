"""An `Answer` as a Slack message: pure functions from a report to `{"text", "blocks"}`.

The report reads top to bottom: header (title), context (checked-on date, who
asked, disclaimer), a Refresh notice when stale, the summary with `<url|[n]>`
citations, one collapsible `container` per section (or, with
`sections="buttons"`, a heading with Show/Hide details per section),
limitations, numbered sources, follow-up buttons and feedback buttons.

Every message fits Slack's limits whatever the report's size: long text is
cut with "…" inside a text budget for the whole message, since Slack rejects
messages whose blocks carry too much text in total.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any, Literal

from adapters.slack.blockkit import (
    Block,
    SlackMessage,
    button,
    mrkdwn,
    pack,
    plain_text,
    section,
    share,
    text_size,
)
from adapters.slack.controls import (
    FEEDBACK,
    FOLLOW_UP,
    REFRESH,
    SECTION,
    TRY_AGAIN,
    FollowUpRef,
    ReportView,
    RetryRequest,
    encode_vote,
    is_user_id,
)
from adapters.slack.mrkdwn import date, fit, link
from adapters.wording import answering_line
from answers import Answer, Claim, Progress

__all__ = [
    "MAX_BLOCKS",
    "MAX_FALLBACK_TEXT_CHARS",
    "MAX_MESSAGE_TEXT_CHARS",
    "SectionsMode",
    "SlackMessage",
    "render_failure",
    "render_notice",
    "render_report",
    "render_working",
    "text_size",
]

# --- Slack's limits (https://docs.slack.dev/reference/block-kit) ----------------------
MAX_BLOCKS = 50  # per message; container children are counted too, to be safe
MAX_SECTION_TEXT_CHARS = 3000
MAX_CONTEXT_TEXT_CHARS = 3000
MAX_CONTEXT_ELEMENTS = 10
MAX_HEADER_CHARS = 150
MAX_CONTAINER_TITLE_CHARS = 150
MAX_CONTAINER_CHILDREN = 10
MAX_BUTTON_TEXT_CHARS = 75
MAX_BUTTON_VALUE_CHARS = 2000
MAX_FALLBACK_TEXT_CHARS = 4000  # Slack's advice for the top-level `text`
# Slack rejects a message whose blocks hold more than ~13,200 characters of text in all
# (msg_blocks_too_long; measured in slackapi/bolt-js#2509, undocumented): keep well below.
MAX_MESSAGE_TEXT_CHARS = 11_000

# --- how the budget is shared -------------------------------------------------------------
SUMMARY_CHARS = 2500
LIMITATIONS_CHARS = 700
SOURCES_CHARS = 3000
DISCLAIMER_CHARS = 300
ANSWERING_CHARS = 400  # "Answering: <the follow-up as understood>"
SOURCE_TITLE_CHARS = 120
SOURCE_PUBLISHER_CHARS = 60
TOGGLE_HEADING_CHARS = 300  # a heading beside Show details; cut ones are whole when opened
MAX_BODY_BLOCKS = 3  # section blocks per report section body
MIN_CUT_CHARS = 40  # a claim cut shorter than this is left out instead
WORKING_QUESTION_CHARS = 500

SectionsMode = Literal["container", "buttons"]


def render_report(
    answer: Answer,
    *,
    sections: SectionsMode = "container",
    view: ReportView | None = None,
    is_stale: bool = False,
) -> SlackMessage:
    """The report as one message; `view` says which sections are open (buttons mode) and who
    asked; `is_stale` adds the Refresh button."""
    view = view or ReportView(answer.id)
    ids = _BlockIds(f"{answer.id}{view.encode()}{sections}{is_stale}")
    head = [_header(answer, ids), _context(answer, view, ids)]
    answering = answering_line(answer)
    if answering is not None:  # a follow-up: what factbot understood it to ask
        head.insert(1, section(fit(answering, ANSWERING_CHARS), ids("answering")))
    if is_stale:
        head.append(_stale_notice(answer, view, ids))
    head += _prose(
        answer.summary,
        answer,
        cap=SUMMARY_CHARS,
        joiner=" ",
        bullet="",
        ids=ids,
        name="summary",
        max_blocks=1,
    )
    tail = [
        *_limitations(answer, ids),
        *_sources(answer, ids),
        *_follow_ups(answer, ids),
        _feedback(answer, ids),
    ]
    budget = MAX_MESSAGE_TEXT_CHARS - text_size(head) - text_size(tail)
    if sections == "container":
        body = _containers(answer, budget, ids)
    else:
        body = _toggles(answer, view, budget, ids)
    return {"text": _fallback_text(answer), "blocks": [*head, *body, *tail]}


def render_working(
    question: str, progress: Progress | None, *, asked_by: str | None = None
) -> SlackMessage:
    """The placeholder shown while the answer is researched."""
    status = progress.describe() if progress is not None else "Looking into it…"
    blocks: list[Block] = []
    if is_user_id(asked_by):
        blocks.append(
            section(f"<@{asked_by}> asked: *{fit(question, WORKING_QUESTION_CHARS)}*", "asked")
        )
    blocks.append(
        {
            "type": "context",
            "block_id": "working",
            "elements": [mrkdwn(f":hourglass_flowing_sand: {fit(status, 300)}")],
        }
    )
    return {"text": fit(f"Researching: {question}", MAX_FALLBACK_TEXT_CHARS), "blocks": blocks}


def render_failure(message: str, *, retry: RetryRequest | None = None) -> SlackMessage:
    """A short error in place of the report, with a "Try again" button when trying can help."""
    blocks: list[Block] = [section(f":warning: {fit(message, 2000)}", "failure")]
    if retry is not None:
        value = retry.encode()
        if len(value) <= MAX_BUTTON_VALUE_CHARS:
            blocks.append(
                {
                    "type": "actions",
                    "block_id": "failure-actions",
                    "elements": [_button("Try again", TRY_AGAIN, value)],
                }
            )
    return {"text": fit(message, MAX_FALLBACK_TEXT_CHARS), "blocks": blocks}


def render_notice(message: str) -> SlackMessage:
    """A one-paragraph message (usage, a polite refusal)."""
    return {
        "text": fit(message, MAX_FALLBACK_TEXT_CHARS),
        "blocks": [section(fit(message, MAX_SECTION_TEXT_CHARS), "notice")],
    }


# --- the parts of a report ------------------------------------------------------------


class _BlockIds:
    """Unique block ids per message, different for every view (Slack's advice on updates)."""

    def __init__(self, seed: str) -> None:
        self.tag = hashlib.sha256(seed.encode()).hexdigest()[:8]

    def __call__(self, name: str) -> str:
        return f"{name}.{self.tag}"


def _header(answer: Answer, ids: _BlockIds) -> Block:
    return {
        "type": "header",
        "block_id": ids("title"),
        "text": plain_text(fit(answer.title, MAX_HEADER_CHARS)),
    }


def _context(answer: Answer, view: ReportView, ids: _BlockIds) -> Block:
    elements = [mrkdwn(f"Checked {date(answer.checked_on)}")]
    if is_user_id(view.asked_by):
        elements.append(mrkdwn(f"Asked by <@{view.asked_by}>"))
    elements.append(mrkdwn(fit(answer.disclaimer, DISCLAIMER_CHARS)))
    return {"type": "context", "block_id": ids("context"), "elements": elements}


def _stale_notice(answer: Answer, view: ReportView, ids: _BlockIds) -> Block:
    block = section(
        f"_This answer was checked {date(answer.checked_on)}; the sources may have changed since._",
        ids("stale"),
    )
    block["accessory"] = _button("Refresh", REFRESH, view.encode())
    return block


def _prose(
    claims: Sequence[Claim],
    answer: Answer,
    *,
    cap: int,
    joiner: str,
    bullet: str,
    ids: _BlockIds,
    name: str,
    max_blocks: int,
) -> list[Block]:
    lines = _claim_lines(
        claims,
        answer,
        cap=min(cap, max_blocks * MAX_SECTION_TEXT_CHARS),
        bullet=bullet,
        joiner=joiner,
    )
    chunks = pack(lines, joiner, MAX_SECTION_TEXT_CHARS)[:max_blocks]
    return [section(chunk, ids(f"{name}-{k}")) for k, chunk in enumerate(chunks)]


def _containers(answer: Answer, budget: int, ids: _BlockIds) -> list[Block]:
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


def _toggles(answer: Answer, view: ReportView, budget: int, ids: _BlockIds) -> list[Block]:
    titles = [
        fit(f"{i + 1}. {s.heading}", TOGGLE_HEADING_CHARS) for i, s in enumerate(answer.sections)
    ]
    headings = [section(f"*{title}*", ids(f"section-{i}")) for i, title in enumerate(titles)]
    for i, heading in enumerate(headings):
        is_open = i in view.open_sections
        heading["accessory"] = _button(
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
    lines = _claim_lines(
        claims, answer, cap=MAX_BODY_BLOCKS * MAX_SECTION_TEXT_CHARS, bullet="• ", joiner="\n"
    )
    extra = _full_heading(heading, title)
    return sum(len(line) + 1 for line in lines) + (len(extra) + 1 if extra else 0)


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
    ids: _BlockIds,
) -> list[Block]:
    full_heading = _full_heading(heading, title)
    if full_heading is not None:
        # Whole when heading and body both fit; else only while it takes under a third.
        fits = len(full_heading) + 1 + _section_need(claims, answer, None, None) <= cap
        full_heading = full_heading if fits or len(full_heading) < cap // 3 else None
    lines = _claim_lines(
        claims, answer, cap=cap - (len(full_heading or "") + 1), bullet="• ", joiner="\n"
    )
    if full_heading is not None:
        lines.insert(0, full_heading)
    chunks = pack(lines, "\n", MAX_SECTION_TEXT_CHARS)[:MAX_BODY_BLOCKS]
    return [section(chunk, ids(f"section-{index}-{k}")) for k, chunk in enumerate(chunks)]


def _limitations(answer: Answer, ids: _BlockIds) -> list[Block]:
    if not answer.limitations:
        return []
    lines = _claim_lines(answer.limitations, answer, cap=LIMITATIONS_CHARS, bullet="", joiner=" ")
    text = "*Limitations:* " + " ".join(lines)
    return [
        {
            "type": "context",
            "block_id": ids("limitations"),
            "elements": [mrkdwn(text[:MAX_CONTEXT_TEXT_CHARS])],
        }
    ]


def _sources(answer: Answer, ids: _BlockIds) -> list[Block]:
    if not answer.sources:
        return []
    lines = ["*Sources*"]
    used = len(lines[0])
    for source in answer.sources:
        line = f"{source.n}. " + link(source.url, fit(source.title, SOURCE_TITLE_CHARS))
        if source.publisher.strip():
            line += " · " + fit(source.publisher, SOURCE_PUBLISHER_CHARS)
        if source.published is not None:
            line += f" · {source.published.isoformat()}"
        if used + len(line) + 1 > SOURCES_CHARS - 40:
            rest = len(answer.sources) - source.n + 1
            lines.append(f"…and {rest} more, linked from the citations above")
            break
        lines.append(line)
        used += len(line) + 1
    chunks = pack(lines, "\n", MAX_CONTEXT_TEXT_CHARS)[:MAX_CONTEXT_ELEMENTS]
    return [
        {
            "type": "context",
            "block_id": ids("sources"),
            "elements": [mrkdwn(chunk) for chunk in chunks],
        }
    ]


def _follow_ups(answer: Answer, ids: _BlockIds) -> list[Block]:
    buttons = [
        _button(question, FOLLOW_UP.format(index=i), FollowUpRef(answer.id, i).encode())
        for i, question in enumerate(answer.follow_ups)
        if fit(question, MAX_BUTTON_TEXT_CHARS).strip()  # Slack refuses a blank button
    ]
    if not buttons:
        return []
    return [
        section("*Want to dive deeper?*", ids("follow-ups-title")),
        {"type": "actions", "block_id": ids("follow-ups"), "elements": buttons},
    ]


def _feedback(answer: Answer, ids: _BlockIds) -> Block:
    return {
        "type": "context_actions",
        "block_id": ids("feedback"),
        "elements": [
            {
                "type": "feedback_buttons",
                "action_id": FEEDBACK,
                "positive_button": {
                    "text": plain_text("Helpful"),
                    "accessibility_label": "Mark this answer as helpful",
                    "value": encode_vote("up", answer.id),
                },
                "negative_button": {
                    "text": plain_text("Not helpful"),
                    "accessibility_label": "Mark this answer as not helpful",
                    "value": encode_vote("down", answer.id),
                },
            }
        ],
    }


def _fallback_text(answer: Answer) -> str:
    summary = " ".join(claim.text for claim in answer.summary)
    return fit(f"{answer.title}: {summary}", MAX_FALLBACK_TEXT_CHARS)


# --- text ------------------------------------------------------------------------------


def _claim_lines(
    claims: Sequence[Claim], answer: Answer, *, cap: int, bullet: str, joiner: str
) -> list[str]:
    """One line per claim (escaped text + citation links) within `cap` characters in all;
    the claim that does not fit is cut with "…" and the rest left out."""
    lines: list[str] = []
    used = 0
    for claim in claims:
        room = min(cap - used - (len(joiner) if lines else 0), MAX_SECTION_TEXT_CHARS)
        line = _claim_line(claim, answer, bullet, MAX_SECTION_TEXT_CHARS)
        if len(line) > room:
            if room >= MIN_CUT_CHARS:
                lines.append(_claim_line(claim, answer, bullet, room))
            elif lines and not lines[-1].endswith("…") and room >= 2:
                lines.append("…")
            break
        lines.append(line)
        used += len(line) + (len(joiner) if len(lines) > 1 else 0)
    return lines or ["…"]


def _claim_line(claim: Claim, answer: Answer, bullet: str, limit: int) -> str:
    cites = _citations(claim.cites, answer, limit // 3)
    suffix = f" {cites}" if cites else ""
    return bullet + fit(claim.text, max(1, limit - len(bullet) - len(suffix))) + suffix


def _citations(numbers: Sequence[int], answer: Answer, limit: int) -> str:
    """`<url|[n]>` per cited source, plain `[n]` once links no longer fit in `limit`."""
    parts: list[str] = []
    used = 0
    for n in numbers:
        linked = link(answer.source(n).url, f"[{n}]")
        part = linked if used + len(linked) <= limit else f"[{n}]"
        if used + len(part) > limit:
            break
        parts.append(part)
        used += len(part)
    return "".join(parts)


def _button(label: str, action_id: str, value: str) -> dict[str, Any]:
    return button(fit(label, MAX_BUTTON_TEXT_CHARS), action_id, value[:MAX_BUTTON_VALUE_CHARS])
