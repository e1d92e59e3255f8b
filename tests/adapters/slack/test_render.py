"""The Slack renderer on literal and extreme reports: Slack's limits, escaping, links, buttons."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from adapters.slack.controls import FollowUpRef, ReportView, RetryRequest
from adapters.slack.render import (
    MAX_BUTTON_TEXT_CHARS,
    render_failure,
    render_notice,
    render_report,
    render_working,
)
from answers import (
    Answer,
    Draft,
    DraftClaim,
    DraftSection,
    DraftSource,
    EngineInfo,
    Progress,
    Stage,
)
from tests.adapters.slack.limits import problems, walk_blocks
from tests.factories import (
    MARKUP,
    extreme_answers,
    make_answer,
    make_uncovered_answer,
    small_answer,
)

EXTREMES = {**extreme_answers(), "uncovered": make_uncovered_answer()}
RAW_PINGS = ("<!channel>", "<!here>", "<!everyone>", "<@U123>", "<#C1>")


def every_text(message: dict[str, object]) -> str:
    return json.dumps(message, ensure_ascii=False)


@pytest.mark.parametrize("name", sorted(EXTREMES))
@pytest.mark.parametrize("sections", ["container", "buttons"])
def test_extreme_reports_fit_slacks_limits_in_every_view(name: str, sections: str) -> None:
    answer = EXTREMES[name]
    everything_open = frozenset(range(len(answer.sections)))
    for opened in (frozenset(), frozenset({0}), everything_open):
        for is_stale in (False, True):
            view = ReportView(answer.id, opened, "U1")
            message = render_report(
                answer,
                sections=sections,
                view=view,  # type: ignore[arg-type]
                is_stale=is_stale,
            )
            assert problems(message) == [], (name, sections, opened, is_stale)
            for ping in RAW_PINGS:
                assert ping not in every_text(message)


def test_the_report_reads_in_order_with_one_collapsed_container_per_section() -> None:
    answer = make_answer(sections=4)
    blocks = render_report(answer)["blocks"]
    kinds = [b["type"] for b in blocks]
    assert kinds == [
        "header",
        "context",
        "section",
        *["container"] * 4,
        "context",
        "context",
        "section",
        "actions",
        "context_actions",
    ]
    assert blocks[0]["text"]["text"] == answer.title
    assert (
        "<!date^1793534400^{date_short_pretty} at {time}|2026-11-01 12:00 UTC>"
        in (blocks[1]["elements"][0]["text"])
    )
    assert blocks[1]["elements"][-1]["text"] == answer.disclaimer
    containers = [b for b in blocks if b["type"] == "container"]
    assert all(c["is_collapsible"] and c["default_collapsed"] for c in containers)
    assert [c["title"]["text"] for c in containers] == [
        f"{i + 1}. {s.heading}" for i, s in enumerate(answer.sections)
    ]


def test_citations_and_sources_are_links() -> None:
    answer = make_answer(sources=3)
    message = render_report(answer)
    summary = message["blocks"][2]["text"]["text"]
    assert "<https://example.org/article/1|[1]>" in summary
    sources = next(b for b in message["blocks"] if b["block_id"].startswith("sources"))
    text = sources["elements"][0]["text"]
    assert "1. <https://example.org/article/1|Source number 1> · Publisher 1" in text
    assert "3. <https://example.org/article/3|Source number 3>" in text


def unsafe_link_answer() -> Draft:
    urls = [
        "javascript:alert(1)",
        "https://example.org/a|b",
        "https://example.org/a>b",
        "https://example.org/fine?a=1&b=2",
    ]
    return Draft(
        summary=(DraftClaim("Claim <b>one</b> & more.", (0, 1)), DraftClaim("Two.", (2, 3))),
        sections=tuple(
            DraftSection(f"Heading {i}", (DraftClaim("Body.", (i,)),)) for i in range(3)
        ),
        limitations=(),
        sources=tuple(DraftSource(title=f"Title {i} <!here>", url=u) for i, u in enumerate(urls)),
        follow_ups=("One?", "Two?", "Three?"),
        engine=EngineInfo(backend="test", writer="test", version="1"),
    )


def test_only_plain_web_urls_become_links() -> None:
    answer = unsafe_link_answer().finalize(
        question="q", question_key="k", checked_on=datetime(2026, 1, 1, tzinfo=UTC), disclaimer="d"
    )
    message = render_report(answer)
    text = every_text(message)
    assert "<javascript:" not in text and "<https://example.org/a|b" not in text
    assert "a>b" not in text and "<https://example.org/a&gt;b" not in text
    # A source that cannot be a link still shows where it is, as code.
    assert "`javascript:alert(1)`" in text and "`https://example.org/a|b`" in text
    assert "<https://example.org/fine?a=1&amp;b=2|[4]>" in text
    assert "Claim &lt;b&gt;one&lt;/b&gt; &amp; more. [1][2]<https://example.org/a" not in text
    assert "Claim &lt;b&gt;one&lt;/b&gt; &amp; more. [1][2]" in text  # unsafe URLs: plain [n]
    assert "Title 0 &lt;!here&gt;" in text
    assert problems(message) == []


def test_markup_from_people_documents_and_models_is_escaped_everywhere() -> None:
    answer = make_answer(markup=True, sections=3)
    message = render_report(answer, view=ReportView(answer.id, asked_by="U9"))
    text = every_text(message)
    for ping in RAW_PINGS:
        assert ping not in text
    assert "&lt;!channel&gt; &lt;!here&gt;" in text
    assert "Asked by <@U9>" in text  # factbot's own mention of the asker is the only one
    assert all(
        t["verbatim"]
        for b in walk_blocks(message["blocks"])
        for t in [b.get("text") or {}, *b.get("elements", [])]
        if t.get("type") == "mrkdwn"
    )


def test_follow_up_buttons_are_cut_to_75_characters_and_name_their_answer() -> None:
    answer = make_answer(markup=True)
    actions = next(b for b in render_report(answer)["blocks"] if b["type"] == "actions")
    labels = [e["text"]["text"] for e in actions["elements"]]
    assert all(len(label) <= MAX_BUTTON_TEXT_CHARS for label in labels)
    assert all(label.endswith("…") for label in labels)
    assert [FollowUpRef.decode(e["value"]) for e in actions["elements"]] == [
        FollowUpRef(answer.id, i) for i in range(len(answer.follow_ups))
    ]
    assert MARKUP not in every_text(actions)


def test_the_refresh_button_appears_only_on_stale_answers() -> None:
    answer = make_answer()
    assert "refresh" not in every_text(render_report(answer))
    stale = render_report(answer, is_stale=True, view=ReportView(answer.id, asked_by="U2"))
    refresh = next(b["accessory"] for b in stale["blocks"] if b.get("accessory"))
    assert refresh["action_id"] == "refresh"
    assert ReportView.decode(refresh["value"]) == ReportView(answer.id, asked_by="U2")


def test_the_buttons_mode_opens_only_the_sections_in_the_view() -> None:
    answer = make_answer(sections=3)
    closed = render_report(answer, sections="buttons")
    opened = render_report(answer, sections="buttons", view=ReportView(answer.id, frozenset({2})))
    assert "Claim 1 of section 3" not in every_text(closed)
    assert "Claim 1 of section 3" in every_text(opened)
    assert "Claim 1 of section 1" not in every_text(opened)
    toggle = next(
        b["accessory"]
        for b in opened["blocks"]
        if b.get("accessory", {}).get("action_id") == "section-2"
    )
    assert toggle["text"]["text"] == "Hide details"
    assert ReportView.decode(toggle["value"]).open_sections == frozenset()


def test_long_text_is_cut_with_an_ellipsis_not_rejected() -> None:
    answer = make_answer(sections=8, body_chars=10_000, heading_chars=300)
    message = render_report(answer)
    containers = [b for b in message["blocks"] if b["type"] == "container"]
    assert all(c["title"]["text"].endswith("…") for c in containers)
    bodies = [c["child_blocks"][-1]["text"]["text"] for c in containers]
    assert all("…" in body for body in bodies)
    assert message["text"].endswith("…") and len(message["text"]) <= 4000


def test_the_uncovered_report_has_no_sources_or_sections() -> None:
    answer = make_uncovered_answer()
    message = render_report(answer)
    kinds = [b["type"] for b in message["blocks"]]
    assert "container" not in kinds
    assert not any(b["block_id"].startswith("sources") for b in message["blocks"])
    assert "The indexed documents do not cover this question." in every_text(message)


def test_working_failure_and_notice_messages_fit_and_escape() -> None:
    working = render_working(MARKUP, Progress(Stage.READING, done=2, total=5), asked_by="U4")
    assert "Reading sources (2 of 5)…" in every_text(working)
    assert "<@U4> asked" in every_text(working)
    failure = render_failure("It broke <!channel>", retry=RetryRequest(MARKUP, asked_by="U4"))
    retry = failure["blocks"][-1]["elements"][0]
    assert RetryRequest.decode(retry["value"]) == RetryRequest(MARKUP, asked_by="U4")
    notice = render_notice("Use /factcheck <!here>")
    for message in (working, failure, notice):
        assert problems(message) == []
        for ping in RAW_PINGS:
            assert ping not in every_text(message)


def long_heading_answer(heading: str) -> Answer:
    draft = Draft(
        summary=(DraftClaim("Summary.", (0,)),),
        sections=tuple(DraftSection(heading, (DraftClaim(f"Body {i}.", (0,)),)) for i in range(8)),
        limitations=(),
        sources=(DraftSource(title="Only source", url="https://example.org/only"),),
        follow_ups=("One?", "Two?", "Three?"),
        engine=EngineInfo(backend="test", writer="test", version="1"),
    )
    return draft.finalize(
        question="q", question_key="k", checked_on=datetime(2026, 1, 1, tzinfo=UTC), disclaimer="d"
    )


@pytest.mark.parametrize("heading", ["word " * 600, "&" * 1000], ids=["3000-chars", "ampersands"])
def test_long_headings_fit_in_the_buttons_view(heading: str) -> None:
    answer = long_heading_answer(heading)
    everything_open = frozenset(range(len(answer.sections)))
    for opened in (frozenset(), frozenset({0}), everything_open):
        view = ReportView(answer.id, opened, "U1")
        assert problems(render_report(answer, sections="buttons", view=view)) == [], opened


def test_a_cut_heading_shows_whole_when_its_section_is_opened() -> None:
    heading = "A finding stated at length, " * 20
    answer = long_heading_answer(heading)
    closed = render_report(answer, sections="buttons")
    opened = render_report(answer, sections="buttons", view=ReportView(answer.id, frozenset({0})))
    assert heading.strip() not in every_text(closed)
    assert heading.strip() in every_text(opened)
    container = next(b for b in render_report(answer)["blocks"] if b["type"] == "container")
    assert container["title"]["text"].endswith("…")
    assert heading.strip() in every_text(container["child_blocks"])


CONTROL_CHARACTERS = "".join(chr(c) for c in [*range(0, 9), *range(11, 32), 127, 0x85, 0x9B])


def test_control_characters_from_documents_never_reach_slack() -> None:
    hostile = f"bell{CONTROL_CHARACTERS}end"
    answer = long_heading_answer(hostile)
    message = render_report(answer, sections="buttons", view=ReportView(answer.id, {0}))
    for text in (json.dumps(message), json.dumps(render_working(hostile, None))):
        assert not any(f"\\u{ord(c):04x}" in text for c in CONTROL_CHARACTERS)
    assert "bell   end" in every_text(message)  # CR, VT and FF become spaces; the rest go


def test_a_blank_follow_up_gets_no_button_slack_would_refuse() -> None:
    answer = small_answer(follow_ups=(" \n", "Two?", "\x00"))
    message = render_report(answer)
    assert problems(message) == []
    actions = next(b for b in message["blocks"] if b["type"] == "actions")
    assert [FollowUpRef.decode(e["value"]).index for e in actions["elements"]] == [1]


# What the extractive writer's summary may now hold: a how-to sentence with its short example
# (at most 6 lines, 300 characters), between claims of prose that fill the summary's budget.
EXAMPLE = "\n".join(f">>> 2 ** {n}  # 2 to the power of {n}\n{2**n}" for n in (5, 7, 10))


def summary_with_example() -> Answer:
    prose = "The power operator binds more tightly than unary operators on its left. " * 4
    return small_answer(
        summary=(
            DraftClaim("With it, you can use the ** operator to calculate powers:", (0,), EXAMPLE),
            DraftClaim(prose.strip(), (0,)),
            DraftClaim(prose.strip(), (0,)),
        )
    )


def test_a_summary_claim_shows_its_example_as_a_code_block_within_slacks_limits() -> None:
    answer = summary_with_example()
    for sections in ("container", "buttons"):
        message = render_report(answer, sections=sections)  # type: ignore[arg-type]
        assert problems(message) == []
        summary = message["blocks"][2]["text"]["text"]
        lines = summary.splitlines()
        start = lines.index("```")
        assert lines[start - 1].startswith("With it, you can use the ** operator")
        assert "\n".join(lines[start + 1 : start + 7]) == EXAMPLE.replace(">", "&gt;")
        assert lines[start + 7] == "```"
        assert lines[start + 8].startswith("The power operator binds")  # prose on its own line
