"""Failures get words, never silence or "This interaction failed"; progress; the rate limit;
draining before shutdown."""

from __future__ import annotations

from adapters.desk import QuestionDesk
from adapters.discord.reply import ProgressThrottle
from adapters.wording import RESTARTING, describe_error
from answers import Progress, RateLimited, ResearchFailed, Stage
from tests.adapters.discord.conftest import DraftBackend, StartAdapter
from tests.adapters.discord.fake_discord import BOT_ID, BOT_USER, EPHEMERAL, FakeDiscord
from tests.adapters.discord.payloads import CHANNEL_ID, message, slash_command
from tests.adapters.discord.reports import (
    callback_path,
    followup_path,
    is_report,
    original_path,
)


async def test_a_research_failure_is_told_to_the_asker_alone(
    start_adapter: StartAdapter, fake_discord: FakeDiscord, backend: DraftBackend
) -> None:
    backend.failing = True
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
    start_adapter: StartAdapter, fake_discord: FakeDiscord, backend: DraftBackend
) -> None:
    backend.failing = True
    await start_adapter()
    await fake_discord.dispatch(
        "MESSAGE_CREATE", message(f"<@{BOT_ID}> will it rain?", mentions=[BOT_USER])
    )
    said = await fake_discord.wait_for(lambda c: c.path == f"/channels/{CHANNEL_ID}/messages")
    assert said.body["content"] == describe_error(ResearchFailed("x"))


async def test_a_private_question_failing_edits_the_private_reply(
    start_adapter: StartAdapter, fake_discord: FakeDiscord, backend: DraftBackend
) -> None:
    backend.failing = True
    await start_adapter()
    event = slash_command("Will it snow?", private=True)
    await fake_discord.dispatch("INTERACTION_CREATE", event)
    said = await fake_discord.wait_for(lambda c: c.path == original_path(event))
    assert said.texts() == [describe_error(ResearchFailed("x"))]


async def test_the_shared_rate_limit_applies(
    start_adapter: StartAdapter,
    fake_discord: FakeDiscord,
    desk: QuestionDesk,
    backend: DraftBackend,
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
    assert backend.asked == ["First question?"]


async def test_progress_is_edited_in_before_the_report(
    start_adapter: StartAdapter, fake_discord: FakeDiscord
) -> None:
    adapter = await start_adapter()
    adapter.responder.progress_interval = 0  # every event is due: shows the edits happen
    event = slash_command("How deep is the ocean?")
    await fake_discord.dispatch("INTERACTION_CREATE", event)
    await fake_discord.wait_for(lambda c: c.path == original_path(event) and is_report(c))
    edits = [c.texts() for c in fake_discord.calls if c.path == original_path(event)]
    assert edits[:2] == [["⏳ Searching…"], ["⏳ Reading sources (1 of 2)…"]]
    assert len(edits) == 3  # two progress lines, then the report


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
    start_adapter: StartAdapter, fake_discord: FakeDiscord, backend: DraftBackend
) -> None:
    adapter = await start_adapter()
    await adapter.drain()
    event = slash_command("Anyone there?")
    await fake_discord.dispatch("INTERACTION_CREATE", event)
    said = await fake_discord.wait_for(lambda c: c.path == callback_path(event))
    assert said.body["type"] == 4 and said.flags == EPHEMERAL  # answered at once, privately
    assert said.body["data"]["content"] == RESTARTING
    assert backend.asked == []
