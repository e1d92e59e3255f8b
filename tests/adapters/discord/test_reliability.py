"""Failures get words, never silence or "This interaction failed"; progress; the rate limit;
draining before shutdown."""

from __future__ import annotations

import logging

import pytest

from adapters.desk import QuestionDesk
from adapters.discord.reply import ProgressThrottle
from adapters.wording import RESTARTING, describe_error
from answers import Progress, RateLimited, ResearchFailed, Stage
from tests.adapters.discord.conftest import StartAdapter
from tests.adapters.discord.fake_discord import (
    BOT_ID,
    BOT_USER,
    EPHEMERAL,
    INVALID_FORM_BODY,
    MISSING_PERMISSIONS,
    UNKNOWN_WEBHOOK,
    FakeDiscord,
)
from tests.adapters.discord.payloads import CHANNEL_ID, message, slash_command
from tests.adapters.discord.reports import (
    callback_path,
    followup_path,
    is_report,
    original_path,
)
from tests.answers.fake_backend import ScriptedBackend


async def test_a_research_failure_is_told_to_the_asker_alone(
    start_adapter: StartAdapter, fake_discord: FakeDiscord, backend: ScriptedBackend
) -> None:
    backend.is_failing = True
    await start_adapter()
    event = slash_command("Will it rain tomorrow?")
    await fake_discord.dispatch("INTERACTION_CREATE", event)
    said = await fake_discord.wait_for(lambda c: c.path == followup_path(event), what="an error")
    # The public "thinking…" goes away; the error is ephemeral.
    deleted = await fake_discord.wait_for(
        lambda c: c.method == "DELETE" and c.path == original_path(event)
    )
    assert fake_discord.calls.index(deleted) < fake_discord.calls.index(said)
    assert said.flags == EPHEMERAL
    assert said.body["content"] == describe_error(ResearchFailed("x"))


async def test_a_research_failure_on_a_mention_is_a_reply(
    start_adapter: StartAdapter, fake_discord: FakeDiscord, backend: ScriptedBackend
) -> None:
    backend.is_failing = True
    await start_adapter()
    await fake_discord.dispatch(
        "MESSAGE_CREATE", message(f"<@{BOT_ID}> will it rain?", mentions=[BOT_USER])
    )
    said = await fake_discord.wait_for(lambda c: c.path == f"/channels/{CHANNEL_ID}/messages")
    assert said.body["content"] == describe_error(ResearchFailed("x"))


async def test_a_private_question_failing_edits_the_private_reply(
    start_adapter: StartAdapter, fake_discord: FakeDiscord, backend: ScriptedBackend
) -> None:
    backend.is_failing = True
    await start_adapter()
    event = slash_command("Will it snow?", private=True)
    await fake_discord.dispatch("INTERACTION_CREATE", event)
    said = await fake_discord.wait_for(lambda c: c.path == original_path(event))
    assert said.texts() == [describe_error(ResearchFailed("x"))]


async def test_the_shared_rate_limit_applies(
    start_adapter: StartAdapter,
    fake_discord: FakeDiscord,
    desk: QuestionDesk,
    backend: ScriptedBackend,
) -> None:
    desk.limiter.per_window = 1
    await start_adapter()
    first, second = slash_command("First question?"), slash_command("Second question?")
    await fake_discord.dispatch("INTERACTION_CREATE", first)
    await fake_discord.wait_for(lambda c: c.path == original_path(first) and is_report(c))
    await fake_discord.dispatch("INTERACTION_CREATE", second)
    said = await fake_discord.wait_for(lambda c: c.path == followup_path(second))
    assert said.flags == EPHEMERAL
    assert said.body["content"].startswith(describe_error(RateLimited(30))[:40])
    assert backend.questions == ["First question?"]


async def test_progress_is_edited_in_before_the_report(
    start_adapter: StartAdapter, fake_discord: FakeDiscord
) -> None:
    adapter = await start_adapter()
    adapter.listeners.progress_interval = 0  # every event is due: shows the edits happen
    event = slash_command("How deep is the ocean?")
    await fake_discord.dispatch("INTERACTION_CREATE", event)
    await fake_discord.wait_for(lambda c: c.path == original_path(event) and is_report(c))
    edits = [c.texts() for c in fake_discord.calls if c.path == original_path(event)]
    assert edits[:3] == [
        ["⏳ Searching…"],
        ["⏳ Reading sources (2 of 2)…"],
        ["⏳ Writing the report…"],
    ]
    assert len(edits) == 4  # three progress lines, then the report


def test_progress_edits_come_at_most_every_interval() -> None:
    now = [100.0]
    throttle = ProgressThrottle(2.0, clock=lambda: now[0])
    throttle.mark()
    searching = Progress(Stage.SEARCHING)
    assert not throttle.is_due(searching)
    now[0] += 1.9
    assert not throttle.is_due(searching)
    now[0] += 0.1
    assert throttle.is_due(searching)
    throttle.mark()
    assert not throttle.is_due(Progress(Stage.READING, 1, 5))
    now[0] += 5
    assert not throttle.is_due(Progress(Stage.DONE))  # the report itself follows


async def test_after_drain_new_questions_hear_factbot_is_restarting(
    start_adapter: StartAdapter, fake_discord: FakeDiscord, backend: ScriptedBackend
) -> None:
    adapter = await start_adapter()
    await adapter.drain()
    event = slash_command("Anyone there?")
    await fake_discord.dispatch("INTERACTION_CREATE", event)
    said = await fake_discord.wait_for(lambda c: c.path == callback_path(event))
    assert said.body["type"] == 4 and said.flags == EPHEMERAL  # answered at once, privately
    assert said.body["data"]["content"] == RESTARTING
    assert backend.questions == []


def warnings_from_factbot(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.WARNING and r.name.startswith(("adapters.", "answers."))
    ]


async def test_a_report_discord_refuses_is_replaced_by_an_error_not_left_thinking(
    start_adapter: StartAdapter, fake_discord: FakeDiscord
) -> None:
    await start_adapter()
    event = slash_command("Will the report be refused?")
    fake_discord.refuse(
        lambda c: c.path == original_path(event) and is_report(c), INVALID_FORM_BODY
    )
    await fake_discord.dispatch("INTERACTION_CREATE", event)

    said = await fake_discord.wait_for(lambda c: c.path == followup_path(event), what="an error")
    assert said.flags == EPHEMERAL
    assert said.body["content"] == describe_error(RuntimeError())
    assert any(c.method == "DELETE" and c.path == original_path(event) for c in fake_discord.calls)


@pytest.mark.parametrize(
    "refusal", [UNKNOWN_WEBHOOK, MISSING_PERMISSIONS], ids=["token-expired", "no-permission"]
)
async def test_an_interaction_discord_closed_ends_quietly_with_one_warning(
    start_adapter: StartAdapter,
    fake_discord: FakeDiscord,
    desk: QuestionDesk,
    caplog: pytest.LogCaptureFixture,
    refusal: tuple[int, int, str],
) -> None:
    adapter = await start_adapter()
    adapter.listeners.progress_interval = 0  # progress edits are tried (and refused) too
    event = slash_command("Will anyone hear this?")
    token = event["token"]
    fake_discord.refuse(lambda c: c.path.startswith("/webhooks/") and token in c.path, refusal)
    caplog.set_level(logging.WARNING)
    await fake_discord.dispatch("INTERACTION_CREATE", event)

    await fake_discord.wait_for(lambda c: c.path == callback_path(event), what="the defer")
    await fake_discord.wait_for(lambda c: c.path == original_path(event), what="an edit")
    assert await desk.tasks.drain(5) is True  # nothing hangs
    assert len(warnings_from_factbot(caplog)) == 1, warnings_from_factbot(caplog)
    webhook_calls = [c for c in fake_discord.calls if token in c.path and "webhooks" in c.path]
    assert len(webhook_calls) == 1  # after the first refusal, factbot stops trying


async def test_a_report_refused_on_a_mention_becomes_a_short_reply(
    start_adapter: StartAdapter, fake_discord: FakeDiscord
) -> None:
    await start_adapter()
    path = f"/channels/{CHANNEL_ID}/messages"
    fake_discord.refuse(lambda c: c.path == path and is_report(c), INVALID_FORM_BODY)
    await fake_discord.dispatch(
        "MESSAGE_CREATE", message(f"<@{BOT_ID}> is it refused?", mentions=[BOT_USER])
    )
    said = await fake_discord.wait_for(lambda c: c.path == path and not is_report(c))
    assert said.body["content"] == describe_error(RuntimeError())
