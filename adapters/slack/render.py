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

from collections import OrderedDict
from collections.abc import Sequence
from typing import Literal

from adapters.report import and_more, lines_within, source_line
from adapters.slack.blockkit import (
    MAX_BLOCKS,
    MAX_BUTTON_TEXT_CHARS,
    MAX_BUTTON_VALUE_CHARS,
    MAX_CONTEXT_ELEMENTS,
    MAX_CONTEXT_TEXT_CHARS,
    MAX_FALLBACK_TEXT_CHARS,
    MAX_HEADER_CHARS,
    MAX_MESSAGE_TEXT_CHARS,
    MAX_SECTION_TEXT_CHARS,
    Block,
    BlockIds,
    SlackMessage,
    fitted_button,
    mrkdwn,
    pack,
    plain_text,
    section,
    text_size,
)
from adapters.slack.controls import (
    FEEDBACK,
    FOLLOW_UP,
    REFRESH,
    TRY_AGAIN,
    FollowUpRef,
    ReportView,
    RetryRequest,
    encode_vote,
    is_user_id,
)
from adapters.slack.mrkdwn import MRKDWN, date, fit
from adapters.slack.sections import claim_lines, containers, toggles
from adapters.wording import answering_line
from answers import Answer, Claim, Progress

__all__ = [
    "MAX_BLOCKS",
    "MAX_BUTTON_TEXT_CHARS",
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

# --- how the budget is shared -------------------------------------------------------------
SUMMARY_CHARS = 2500
LIMITATIONS_CHARS = 700
SOURCES_CHARS = 3000
MORE_SOURCES_RESERVE = 40  # room kept for the "…and N more" line
DISCLAIMER_CHARS = 300
ANSWERING_CHARS = 400  # "Answering: <the follow-up as understood>"
SOURCE_TITLE_CHARS = 120
SOURCE_PUBLISHER_CHARS = 60
WORKING_QUESTION_CHARS = 500

SectionsMode = Literal["container", "buttons"]


RENDERED_REPORTS = 256  # recently rendered messages kept (a popular answer is drawn once)
_rendered: OrderedDict[tuple[str, str, str, bool], SlackMessage] = OrderedDict()


def render_report(
    answer: Answer,
    *,
    sections: SectionsMode = "container",
    view: ReportView | None = None,
    is_stale: bool = False,
) -> SlackMessage:
    """The report as one message; `view` says which sections are open (buttons mode) and who
    asked; `is_stale` adds the Refresh button. Treat the message as read-only: an answer's id
    stands for its whole content, so the same message is handed out again for the same view."""
    view = view or ReportView(answer.id)
    key = (answer.id, view.encode(), sections, is_stale)
    message = _rendered.get(key)
    if message is None:
        message = _render_report(answer, sections=sections, view=view, is_stale=is_stale)
        _rendered[key] = message
        while len(_rendered) > RENDERED_REPORTS:
            _rendered.popitem(last=False)
    else:
        _rendered.move_to_end(key)
    return message


def _render_report(
    answer: Answer, *, sections: SectionsMode, view: ReportView, is_stale: bool
) -> SlackMessage:
    ids = BlockIds(f"{answer.id}{view.encode()}{sections}{is_stale}")
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
        body = containers(answer, budget, ids)
    else:
        body = toggles(answer, view, budget, ids)
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
                    "elements": [fitted_button("Try again", TRY_AGAIN, value)],
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


def _header(answer: Answer, ids: BlockIds) -> Block:
    return {
        "type": "header",
        "block_id": ids("title"),
        "text": plain_text(fit(answer.title, MAX_HEADER_CHARS)),
    }


def _context(answer: Answer, view: ReportView, ids: BlockIds) -> Block:
    elements = [mrkdwn(f"Checked {date(answer.checked_on)}")]
    if is_user_id(view.asked_by):
        elements.append(mrkdwn(f"Asked by <@{view.asked_by}>"))
    elements.append(mrkdwn(fit(answer.disclaimer, DISCLAIMER_CHARS)))
    return {"type": "context", "block_id": ids("context"), "elements": elements}


def _stale_notice(answer: Answer, view: ReportView, ids: BlockIds) -> Block:
    block = section(
        f"_This answer was checked {date(answer.checked_on)}; the sources may have changed since._",
        ids("stale"),
    )
    block["accessory"] = fitted_button("Refresh", REFRESH, view.encode())
    return block


def _prose(
    claims: Sequence[Claim],
    answer: Answer,
    *,
    cap: int,
    joiner: str,
    bullet: str,
    ids: BlockIds,
    name: str,
    max_blocks: int,
) -> list[Block]:
    fitted = claim_lines(
        claims,
        answer,
        cap=min(cap, max_blocks * MAX_SECTION_TEXT_CHARS),
        bullet=bullet,
        joiner=joiner,
    )
    chunks = pack(fitted.lines, fitted.sep, MAX_SECTION_TEXT_CHARS)[:max_blocks]
    return [section(chunk, ids(f"{name}-{k}")) for k, chunk in enumerate(chunks)]


def _limitations(answer: Answer, ids: BlockIds) -> list[Block]:
    if not answer.limitations:
        return []
    fitted = claim_lines(answer.limitations, answer, cap=LIMITATIONS_CHARS, bullet="", joiner=" ")
    text = "*Limitations:*" + ("\n" if "\n" in fitted.sep else " ") + fitted.text
    return [
        {
            "type": "context",
            "block_id": ids("limitations"),
            "elements": [mrkdwn(text[:MAX_CONTEXT_TEXT_CHARS])],
        }
    ]


def _sources(answer: Answer, ids: BlockIds) -> list[Block]:
    if not answer.sources:
        return []
    listing = [
        source_line(
            MRKDWN,
            source,
            number=f"{source.n}.",
            title_chars=SOURCE_TITLE_CHARS,
            publisher_chars=SOURCE_PUBLISHER_CHARS,
            is_dated=True,
        )
        for source in answer.sources
    ]
    lines, left_out = lines_within(
        ["*Sources*", *listing], SOURCES_CHARS, reserve=MORE_SOURCES_RESERVE
    )
    if left_out:
        lines.append(f"{and_more(left_out)}, linked from the citations above")
    chunks = pack(lines, "\n", MAX_CONTEXT_TEXT_CHARS)[:MAX_CONTEXT_ELEMENTS]
    return [
        {
            "type": "context",
            "block_id": ids("sources"),
            "elements": [mrkdwn(chunk) for chunk in chunks],
        }
    ]


def _follow_ups(answer: Answer, ids: BlockIds) -> list[Block]:
    buttons = [
        fitted_button(question, FOLLOW_UP.format(index=i), FollowUpRef(answer.id, i).encode())
        for i, question in enumerate(answer.follow_ups)
        if fit(question, MAX_BUTTON_TEXT_CHARS).strip()  # Slack refuses a blank button
    ]
    if not buttons:
        return []
    return [
        section("*Want to dive deeper?*", ids("follow-ups-title")),
        {"type": "actions", "block_id": ids("follow-ups"), "elements": buttons},
    ]


def _feedback(answer: Answer, ids: BlockIds) -> Block:
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
