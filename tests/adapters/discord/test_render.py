"""The renderer's payload against Discord's limits, on reports of every size."""

from __future__ import annotations

import json
import re
from typing import Any

import discord
import pytest
from discord.http import handle_message_parameters

from adapters.discord.render import (
    MAX_COMPONENTS,
    MAX_CUSTOM_ID_CHARS,
    MAX_LABEL_CHARS,
    MAX_TEXT_CHARS,
    SUMMARY_CHARS,
    render_answer,
)
from adapters.discord.section_reader import render_section, render_sources
from answers import Answer, Draft, DraftClaim, DraftSection, DraftSource, EngineInfo
from tests.adapters.discord.fake_discord import COMPONENTS_V2, walk
from tests.adapters.discord.limits import problems as discord_problems
from tests.factories import (
    CHECKED_ON,
    extreme_answers,
    make_answer,
    make_uncovered_answer,
    small_answer,
)

ANSWERS = {**extreme_answers(), "uncovered": make_uncovered_answer()}
CUSTOM_ID = re.compile(
    r"fb:v1:(read|pick|ask|vote|refresh|sources):[0-9a-f]{16}(:(\d{1,2}|up|down))?"
)
LINK = re.compile(r"\]\(<([^>]*)>\)")
TEXT, BUTTON, SELECT, ROW, SECTION = 10, 2, 3, 1, 9


def texts(components: list[dict[str, Any]]) -> list[str]:
    return [c["content"] for c in walk(components) if c["type"] == TEXT]


@pytest.mark.parametrize("is_stale", [False, True], ids=["fresh", "stale"])
@pytest.mark.parametrize("name", ANSWERS)
def test_every_report_fits_discords_limits(name: str, is_stale: bool) -> None:
    view = render_answer(ANSWERS[name], is_stale=is_stale)
    components = view.to_components()
    every = walk(components)

    assert len(every) <= MAX_COMPONENTS
    assert view.total_children_count <= MAX_COMPONENTS  # discord.py's own count agrees
    assert sum(len(t) for t in texts(components)) <= MAX_TEXT_CHARS
    assert view.content_length() <= MAX_TEXT_CHARS
    ids = [c["custom_id"] for c in every if "custom_id" in c]
    assert len(ids) == len(set(ids))
    for custom_id in ids:
        assert len(custom_id) <= MAX_CUSTOM_ID_CHARS and CUSTOM_ID.fullmatch(custom_id)
    for button in (c for c in every if c["type"] == BUTTON):
        assert 1 <= len(button["label"]) <= MAX_LABEL_CHARS
    for select in (c for c in every if c["type"] == SELECT):
        assert 1 <= len(select["options"]) <= 25
        for option in select["options"]:
            assert len(option["label"]) <= 100 and len(option.get("description", "")) <= 100
    for row in (c for c in every if c["type"] == ROW):
        assert 1 <= len(row["components"]) <= 5
    for section in (c for c in every if c["type"] == SECTION):
        assert 1 <= len(section["components"]) <= 3 and section["accessory"]["type"] == BUTTON
    for url in LINK.findall("\n".join(texts(components))):
        assert url.startswith(("https://", "http://"))

    payload = handle_message_parameters(
        view=view, allowed_mentions=discord.AllowedMentions.none()
    ).payload
    assert payload["flags"] & COMPONENTS_V2 and "content" not in payload
    assert payload["allowed_mentions"] == {"parse": []}
    assert ("fb:v1:refresh:" in str(ids)) is is_stale
    assert discord_problems(view) == []


@pytest.mark.parametrize("name", ANSWERS)
def test_every_section_and_source_list_is_reachable_whole(name: str) -> None:
    answer = ANSWERS[name]
    for i, section in enumerate(answer.sections):
        page = render_section(answer, i)
        assert page.view.total_children_count <= MAX_COMPONENTS
        assert page.view.content_length() <= MAX_TEXT_CHARS
        whole = (
            page.attachment.text if page.attachment else "\n".join(texts(page.view.to_components()))
        )
        assert discord_problems(page.view) == []
        for claim in section.claims:
            assert claim.text.split()[0] in whole
            if claim.code and not page.attachment:
                assert "```\n" + claim.code[:10] in whole  # a code block of its own
        if page.attachment:  # cut in the message, whole in the file
            assert all(claim.text in page.attachment.text for claim in section.claims)
            for claim in section.claims:
                lines = (claim.code or "").splitlines()
                assert all(f"    {line}" in page.attachment.text for line in lines)
            assert "…" in "\n".join(texts(page.view.to_components()))
    page = render_sources(answer)
    assert page.view.content_length() <= MAX_TEXT_CHARS
    listing = (
        page.attachment.text if page.attachment else "\n".join(texts(page.view.to_components()))
    )
    assert all(
        source.url in listing or source.url.replace("(", "%28") in listing
        for source in answer.sources
    )


def test_long_text_is_cut_with_an_ellipsis() -> None:
    view = render_answer(extreme_answers()["everything"])
    shown = texts(view.to_components())
    assert any("…" in text for text in shown)


def test_markup_from_people_and_documents_shows_as_text_and_pings_no_one() -> None:
    shown = "\n".join(texts(render_answer(extreme_answers()["markup-everywhere"]).to_components()))
    assert "@everyone" not in shown and "@here" not in shown
    assert "@\u200beveryone" in shown
    assert "\\*bold\\*" in shown and "\\[x](y)" in shown


def test_few_sections_get_read_buttons_and_many_a_menu() -> None:
    few = walk(render_answer(make_answer(sections=4)).to_components())
    assert sum(1 for c in few if c.get("custom_id", "").startswith("fb:v1:read:")) == 4
    many = walk(render_answer(make_answer(sections=8, follow_ups=5)).to_components())
    [menu] = [c for c in many if c["type"] == SELECT]
    assert [o["value"] for o in menu["options"]] == [str(i) for i in range(8)]
    assert not any(c.get("custom_id", "").startswith("fb:v1:read:") for c in many)


def test_the_uncovered_report_has_no_sections_and_no_sources() -> None:
    every = walk(render_answer(make_uncovered_answer()).to_components())
    shown = "\n".join(c["content"] for c in every if c["type"] == TEXT)
    assert "do not cover this question" in shown and "**Limitations**" in shown
    assert "**Sources**" not in shown
    assert not any(
        c.get("custom_id", "").startswith(("fb:v1:read", "fb:v1:pick", "fb:v1:sources"))
        for c in every
    )


def odd_links_answer() -> Answer:
    draft = Draft(
        summary=(
            DraftClaim("Claim one.", (0,)),
            DraftClaim("Claim two.", (1,)),
            DraftClaim("Claim three.", (2,)),
        ),
        sections=tuple(
            DraftSection(f"Heading {i}", (DraftClaim("Body.", (i,)),)) for i in range(3)
        ),
        limitations=(),
        sources=(
            DraftSource("Script", "javascript:alert(1)"),
            DraftSource("Spaced", "https://example.org/a b"),
            DraftSource("Brackets", "https://example.org/wiki/Foo_(bar)>x"),
        ),
        follow_ups=("One?", "Two?", "Three?"),
        engine=EngineInfo(backend="test", writer="test", version="1"),
    )
    return draft.finalize(
        question="Odd links?",
        question_key="odd",
        checked_on=CHECKED_ON,
        disclaimer="Check the sources.",
    )


def test_only_web_links_become_links() -> None:
    shown = "\n".join(texts(render_answer(odd_links_answer()).to_components()))
    assert "(<javascript:" not in shown and "(<https://example.org/a b" not in shown
    # A source that cannot be a link still shows where it is, as code.
    assert "[1] Script · `javascript:alert(1)`" in shown
    assert "[2] Spaced · `https://example.org/a b`" in shown
    assert "[[3]](<https://example.org/wiki/Foo_%28bar%29%3Ex>)" in shown


def test_control_characters_from_documents_never_reach_discord() -> None:
    control = "".join(chr(c) for c in [*range(0, 32), 127, 0x85, 0x9B])
    hostile = f"bell{control}end"
    draft = Draft(
        summary=(DraftClaim(hostile, (0,)),),
        sections=tuple(DraftSection(hostile, (DraftClaim(hostile, (0,)),)) for _ in range(8)),
        limitations=(DraftClaim(hostile),),
        sources=(DraftSource(title=hostile, url="https://example.org/x", publisher=hostile),),
        follow_ups=(hostile, "Two?", "Three?"),
        engine=EngineInfo(backend="test", writer="test", version="1"),
    )
    answer = draft.finalize(
        question=hostile, question_key="k", checked_on=CHECKED_ON, disclaimer=hostile
    )
    pages = [render_section(answer, 0).view, render_sources(answer).view]
    for view in (render_answer(answer), *pages):
        payload = json.dumps(view.to_components())
        assert not any(f"\\u{ord(c):04x}" in payload for c in control), payload[:200]


def test_a_blank_follow_up_gets_no_button_discord_would_refuse() -> None:
    answer = small_answer(follow_ups=(" \n", "Two?", "\x00"))
    view = render_answer(answer)
    assert discord_problems(view) == []
    every = walk(view.to_components())
    labels = [c["label"] for c in every if c.get("custom_id", "").startswith("fb:v1:ask:")]
    assert labels == ["Two?"]


# What the extractive writer's summary may now hold: a how-to sentence with its short example
# (at most 6 lines, 300 characters), between claims of prose that fill the summary's budget.
EXAMPLE = "\n".join(f">>> 2 ** {n}  # 2 to the power of {n}\n{2**n}" for n in (5, 7, 10))


def test_a_summary_claim_shows_its_example_as_a_code_block_within_discords_limits() -> None:
    prose = "The power operator binds more tightly than unary operators on its left. " * 4
    answer = small_answer(
        summary=(
            DraftClaim("With it, you can use the ** operator to calculate powers:", (0,), EXAMPLE),
            *(DraftClaim(prose.strip(), (0,)) for _ in range(4)),
        )
    )
    view = render_answer(answer)
    assert discord_problems(view) == []
    summary = texts(view.to_components())[1]
    assert len(summary) <= SUMMARY_CHARS
    lines = summary.splitlines()
    start = lines.index("```")
    assert lines[start - 1].startswith("With it, you can use the \\*\\* operator")
    assert "\n".join(lines[start + 1 : start + 7]) == EXAMPLE
    assert lines[start + 7] == "```"
    assert lines[start + 8].startswith("The power operator binds")  # prose on its own line
    assert "…" in lines[-1]  # the prose past the budget is cut (its citation kept)
