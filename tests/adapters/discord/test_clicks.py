"""Clicks on a report: Read, the section menu, follow-ups, Refresh, 👍/👎, All sources; after a
restart and after the answer has left the store."""

from __future__ import annotations

import functools

from adapters.desk import QuestionDesk
from adapters.discord import render_answer
from adapters.wording import describe_error
from answers import AnswerNotFound
from tests.adapters.discord.conftest import FOLLOW_UPS, StartAdapter, discord_draft
from tests.adapters.discord.fake_discord import (
    COMPONENTS_V2,
    EPHEMERAL,
    INVALID_FORM_BODY,
    FakeDiscord,
    walk,
)
from tests.adapters.discord.payloads import click
from tests.adapters.discord.reports import (
    answer_id,
    ask_for_report,
    callback_path,
    custom_ids,
    followup_path,
    is_report,
    original_path,
)
from tests.answers.fake_backend import ScriptedBackend
from tests.factories import extreme_answers, make_answer


async def test_read_shows_the_section_to_the_clicker_only(
    start_adapter: StartAdapter, fake_discord: FakeDiscord
) -> None:
    await start_adapter()
    report = await ask_for_report(fake_discord, "Do cats purr when happy?")
    read = custom_ids(report, "read")
    assert len(read) == 3

    event = click(read[1], report)
    await fake_discord.dispatch("INTERACTION_CREATE", event)
    shown = await fake_discord.wait_for(
        lambda c: c.path == followup_path(event), what="the section"
    )
    defer = await fake_discord.wait_for(lambda c: c.path == callback_path(event))
    assert defer.body == {"type": 5, "data": {"flags": EPHEMERAL}}
    assert shown.flags == EPHEMERAL | COMPONENTS_V2
    text = "\n".join(shown.texts())
    assert text.startswith("### 2. Finding 2 about the question")
    assert "Evidence 2 in full detail. [[2]](<https://example.net/two>)" in text


async def test_the_section_menu_opens_the_picked_section(
    start_adapter: StartAdapter, fake_discord: FakeDiscord, backend: ScriptedBackend
) -> None:
    # With 5 follow-ups, 8 sections are too many for Read buttons: one menu instead.
    more = (*FOLLOW_UPS, "Where is it measured?", "When was it last checked?")
    backend.write = functools.partial(discord_draft, sections=8, follow_ups=more)
    await start_adapter()
    report = await ask_for_report(fake_discord, "Why is the sky blue?")
    assert custom_ids(report, "read") == []
    [menu] = custom_ids(report, "pick")

    event = click(menu, report, values=["6"])
    await fake_discord.dispatch("INTERACTION_CREATE", event)
    shown = await fake_discord.wait_for(lambda c: c.path == followup_path(event))
    assert shown.flags & EPHEMERAL
    assert shown.texts()[0].startswith("### 7. Finding 7 about the question")


async def test_a_follow_up_click_researches_it_and_posts_a_new_report(
    start_adapter: StartAdapter, fake_discord: FakeDiscord, backend: ScriptedBackend
) -> None:
    await start_adapter()
    report = await ask_for_report(fake_discord, "Is coffee bad for you?")
    event = click(custom_ids(report, "ask")[1], report)
    await fake_discord.dispatch("INTERACTION_CREATE", event)
    posted = await fake_discord.wait_for(
        lambda c: c.path == original_path(event) and is_report(c), what="the follow-up report"
    )
    defer = await fake_discord.wait_for(lambda c: c.path == callback_path(event))
    assert defer.body == {"type": 5}  # public, like the report it came from
    assert posted.texts()[0].startswith("## How sure are the sources?")
    assert backend.questions == ["Is coffee bad for you?", "How sure are the sources?"]


async def test_a_click_after_a_restart_is_handled_by_a_fresh_client(
    start_adapter: StartAdapter, fake_discord: FakeDiscord, backend: ScriptedBackend
) -> None:
    first = await start_adapter()
    report = await ask_for_report(fake_discord, "Are tomatoes fruit?")
    await first.aclose()  # the process that sent the report is gone

    await start_adapter()  # a new client: no views, only the registered dynamic items
    read = click(custom_ids(report, "read")[0], report)
    follow_up = click(custom_ids(report, "ask")[0], report)
    await fake_discord.dispatch("INTERACTION_CREATE", read)
    await fake_discord.dispatch("INTERACTION_CREATE", follow_up)
    shown = await fake_discord.wait_for(lambda c: c.path == followup_path(read))
    assert shown.texts()[0].startswith("### 1. Finding 1")
    await fake_discord.wait_for(lambda c: c.path == original_path(follow_up) and is_report(c))
    assert backend.questions[-1] == "Who measured it first?"


async def test_a_click_on_an_answer_no_longer_stored_says_so_privately(
    start_adapter: StartAdapter, fake_discord: FakeDiscord, backend: ScriptedBackend
) -> None:
    await start_adapter()
    gone = render_answer(make_answer(question="Never stored?"), is_stale=True).to_components()
    expired = describe_error(AnswerNotFound("x"))
    for kind in ("read", "vote", "refresh"):
        event = click(custom_ids(gone, kind)[0], gone)
        await fake_discord.dispatch("INTERACTION_CREATE", event)
        said = await fake_discord.wait_for(
            lambda c, e=event: (
                c.path in (followup_path(e), original_path(e)) and c.method != "DELETE"
            ),
            what=f"the {kind} reply",
        )
        texts = said.texts() or [said.body.get("content")]
        assert texts == [expired], kind
        assert said.flags & EPHEMERAL or said.path == original_path(event)
    assert backend.questions == []


async def test_an_expired_follow_up_asks_the_question_its_button_shows_whole(
    start_adapter: StartAdapter, fake_discord: FakeDiscord, backend: ScriptedBackend
) -> None:
    await start_adapter()
    whole = render_answer(make_answer(question="Never stored?")).to_components()
    event = click(custom_ids(whole, "ask")[0], whole)
    await fake_discord.dispatch("INTERACTION_CREATE", event)
    await fake_discord.wait_for(lambda c: c.path == original_path(event) and is_report(c))
    assert backend.questions == ["Follow-up question number 1?"]

    cut = render_answer(make_answer(question="Gone too?", markup=True)).to_components()
    event = click(custom_ids(cut, "ask")[0], cut)  # its label ends in "…": not the question
    await fake_discord.dispatch("INTERACTION_CREATE", event)
    said = await fake_discord.wait_for(lambda c: c.path == followup_path(event))
    assert said.flags == EPHEMERAL
    assert said.body["content"] == describe_error(AnswerNotFound("x"))
    assert backend.questions == ["Follow-up question number 1?"]


async def test_feedback_is_recorded_per_person(
    start_adapter: StartAdapter, fake_discord: FakeDiscord, desk: QuestionDesk
) -> None:
    await start_adapter()
    report = await ask_for_report(fake_discord, "Does music help plants grow?")
    up, down = custom_ids(report, "vote")
    for vote in (up, down):  # the same person changes their mind: the last vote counts
        event = click(vote, report)
        await fake_discord.dispatch("INTERACTION_CREATE", event)
        thanks = await fake_discord.wait_for(lambda c, e=event: c.path == followup_path(e))
        assert thanks.flags == EPHEMERAL
    assert "not helpful" in thanks.body["content"]
    tally = await desk.feedback.tally(answer_id(report))
    assert (tally.up, tally.down) == (0, 1)


async def test_refresh_on_a_stale_report_researches_again(
    start_adapter: StartAdapter,
    fake_discord: FakeDiscord,
    desk: QuestionDesk,
    backend: ScriptedBackend,
) -> None:
    await start_adapter()
    report = await ask_for_report(fake_discord, "Is Pluto a planet?")
    answer = await desk.answer(answer_id(report))
    stale = render_answer(answer, is_stale=True).to_components()
    [refresh] = custom_ids(stale, "refresh")
    event = click(refresh, stale)
    await fake_discord.dispatch("INTERACTION_CREATE", event)
    await fake_discord.wait_for(lambda c: c.path == original_path(event) and is_report(c))
    assert backend.questions == ["Is Pluto a planet?", "Is Pluto a planet?"]


async def test_all_sources_lists_every_source_privately(
    start_adapter: StartAdapter, fake_discord: FakeDiscord, desk: QuestionDesk
) -> None:
    await start_adapter()
    answer = extreme_answers()["everything"]
    await desk.engine.cache.save("stored-by-test", answer)
    report = render_answer(answer).to_components()
    [button] = custom_ids(report, "sources")  # the report's own list had to be shortened
    event = click(button, report)
    await fake_discord.dispatch("INTERACTION_CREATE", event)
    shown = await fake_discord.wait_for(lambda c: c.path == followup_path(event))
    assert shown.flags == EPHEMERAL | COMPONENTS_V2
    assert "[1] [Source number 1" in "\n".join(shown.texts())
    # Too many to show: the whole list comes along as a file, referenced by a File component.
    listing = shown.files["sources.txt"].decode()
    assert "[40] Source number 40" in listing and "https://example.org/article/40" in listing
    assert {"type": 13, "file": {"url": "attachment://sources.txt"}, "spoiler": False} in walk(
        shown.body["components"]
    )


async def test_a_section_discord_refuses_is_replaced_by_a_private_error(
    start_adapter: StartAdapter, fake_discord: FakeDiscord
) -> None:
    await start_adapter()
    report = await ask_for_report(fake_discord, "Do owls turn their heads?")
    event = click(custom_ids(report, "read")[0], report)
    fake_discord.refuse(
        lambda c: c.path == followup_path(event) and bool(c.flags & COMPONENTS_V2),
        INVALID_FORM_BODY,
    )
    await fake_discord.dispatch("INTERACTION_CREATE", event)

    said = await fake_discord.wait_for(
        lambda c: c.path == followup_path(event) and not c.flags & COMPONENTS_V2, what="an error"
    )
    assert said.flags == EPHEMERAL
    assert said.body["content"] == describe_error(RuntimeError())
