"""Discord: fact-checking a message by reacting to it (with the Message Content intent), and
replies to a report that continue its thread; through the fake gateway and REST API."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from adapters.desk import QuestionDesk
from adapters.discord import DiscordAdapter
from adapters.wording import NO_TEXT_TO_CHECK
from answers import AnswerEngine, RedisStore
from answers.backends.corpus import CorpusBackend
from tests.adapters.discord.conftest import TOKEN, StartAdapter, discord_draft
from tests.adapters.discord.fake_discord import BOT_ID, BOT_USER, Call, FakeDiscord
from tests.adapters.discord.payloads import (
    CHANNEL_ID,
    OTHER,
    OTHER_ID,
    USER,
    click,
    message,
    reaction_add,
    reply_to,
)
from tests.adapters.discord.reports import ask_for_report, custom_ids, is_report, original_path
from tests.answers.fake_backend import ScriptedBackend

DOCS = Path(__file__).resolve().parents[3] / "docs"
MESSAGE_CONTENT = 1 << 15  # the privileged intent's bit in IDENTIFY


def channel_report(call: Call) -> bool:
    return (
        call.method == "POST"
        and call.path == f"/channels/{CHANNEL_ID}/messages"
        and (is_report(call))
    )


def mention(text: str) -> dict[str, object]:
    return message(f"<@{BOT_ID}> {text}", mentions=[BOT_USER])


async def reports(fake: FakeDiscord, count: int) -> list[Call]:
    await fake.wait_for(
        lambda _c: len([c for c in fake.calls if channel_report(c)]) >= count,
        what=f"{count} reports",
    )
    return [c for c in fake.calls if channel_report(c)]


async def test_a_reaction_fact_checks_the_message_as_a_reply_naming_who_asked(
    start_adapter: StartAdapter, fake_discord: FakeDiscord, backend: ScriptedBackend
) -> None:
    await start_adapter(message_content=True)
    assert fake_discord.identified[-1]["intents"] & MESSAGE_CONTENT
    claim = fake_discord.add_message(message("The Great Wall is visible from space."))
    await fake_discord.dispatch("MESSAGE_REACTION_ADD", reaction_add(claim["id"]))

    [report] = await reports(fake_discord, 1)
    assert report.body["message_reference"]["message_id"] == int(claim["id"])
    assert report.body["allowed_mentions"] == {"parse": []}
    assert f"Asked by <@{OTHER_ID}>" in report.texts()[0]
    assert backend.questions == ["The Great Wall is visible from space."]


async def test_five_people_reacting_get_one_answer(
    start_adapter: StartAdapter, fake_discord: FakeDiscord, backend: ScriptedBackend
) -> None:
    await start_adapter(message_content=True)
    claim = fake_discord.add_message(message("Bats are blind."))
    people = [{**OTHER, "id": f"19000000000000000{n:02d}"} for n in range(5)]
    await asyncio.gather(
        *(
            fake_discord.dispatch("MESSAGE_REACTION_ADD", reaction_add(claim["id"], user=person))
            for person in people
        )
    )
    await reports(fake_discord, 1)
    await asyncio.sleep(0.2)
    assert backend.questions == ["Bats are blind."]
    assert len([c for c in fake_discord.calls if channel_report(c)]) == 1


async def test_reactions_on_empty_own_or_other_emoji_messages(
    start_adapter: StartAdapter, fake_discord: FakeDiscord, backend: ScriptedBackend
) -> None:
    await start_adapter(message_content=True)
    empty = fake_discord.add_message(message("", attachments=[]))
    own = fake_discord.add_message(message("A report", author=BOT_USER))
    news = fake_discord.add_message(
        message("Breaking: tea cures colds.", author={**OTHER, "bot": True})
    )
    await fake_discord.dispatch("MESSAGE_REACTION_ADD", reaction_add(empty["id"]))
    told = await fake_discord.wait_for(
        lambda c: c.method == "POST" and c.body.get("content") == NO_TEXT_TO_CHECK,
        what="the no-text reply",
    )
    assert told.body["message_reference"]["message_id"] == int(empty["id"])
    await fake_discord.dispatch("MESSAGE_REACTION_ADD", reaction_add(own["id"]))
    await fake_discord.dispatch("MESSAGE_REACTION_ADD", reaction_add(news["id"], emoji="👍"))
    await asyncio.sleep(0.2)
    assert backend.questions == []
    await fake_discord.dispatch("MESSAGE_REACTION_ADD", reaction_add(news["id"]))
    await reports(fake_discord, 1)
    assert backend.questions == ["Breaking: tea cures colds."]  # another bot's post is fair game


async def test_without_the_message_content_intent_reactions_do_nothing(
    start_adapter: StartAdapter,
    fake_discord: FakeDiscord,
    backend: ScriptedBackend,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="adapters.discord.adapter"):
        await start_adapter()
    assert not fake_discord.identified[-1]["intents"] & MESSAGE_CONTENT
    assert "DISCORD_MESSAGE_CONTENT=true" in caplog.text
    claim = fake_discord.add_message(message("Bats are blind."))
    await fake_discord.dispatch("MESSAGE_REACTION_ADD", reaction_add(claim["id"]))
    await asyncio.sleep(0.2)
    assert backend.questions == [] and not [
        c for c in fake_discord.calls if c.method == "GET" and "/messages/" in c.path
    ]


async def test_a_reply_to_a_report_is_a_follow_up_using_the_earlier_question(
    start_adapter: StartAdapter, fake_discord: FakeDiscord, redis_store: RedisStore, tmp_path: Path
) -> None:
    corpus = CorpusBackend(DOCS, index_path=tmp_path / "docs.sqlite3")
    desk = QuestionDesk.over(AnswerEngine(corpus, redis_store), redis_store)
    try:
        await start_adapter(desk_=desk)
        await fake_discord.dispatch("MESSAGE_CREATE", mention("How does factbot cache answers?"))
        await reports(fake_discord, 1)
        report = fake_discord.sent[-1]
        await _thread_remembered(desk, report["id"])
        # a reply to the report, without a mention (the reply's ping is how Discord shows it)
        await fake_discord.dispatch(
            "MESSAGE_CREATE", reply_to(report, "how long do they stay?", mentions=[BOT_USER])
        )
        [_, follow_up] = await reports(fake_discord, 2)
    finally:
        await desk.tasks.drain(5)
        await corpus.aclose()
    texts = "\n".join(follow_up.texts())
    assert "## how long do they stay?" in texts
    assert "*Answering: how long do they stay? (about factbot, cache, answers)*" in texts
    assert "How factbot caches answers" in texts  # the caching page, cited


async def _thread_remembered(desk: QuestionDesk, report_id: str) -> None:
    for _ in range(200):
        if await desk.threads.earlier("discord", report_id):
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the report's thread was never remembered")


async def test_a_reply_to_someone_else_or_to_a_notice_is_not_a_follow_up(
    start_adapter: StartAdapter, fake_discord: FakeDiscord, backend: ScriptedBackend
) -> None:
    await start_adapter()
    person = message("Cats are liquid.")
    notice = {**fake_discord.add_message(message("Usage…", author=BOT_USER)), "flags": 0}
    await fake_discord.dispatch("MESSAGE_CREATE", reply_to(person, "is that so?"))
    await fake_discord.dispatch("MESSAGE_CREATE", reply_to(notice, "what?", mentions=[BOT_USER]))
    await asyncio.sleep(0.2)
    assert backend.questions == []


async def test_the_thread_is_shared_by_two_replicas(
    start_adapter: StartAdapter, fake_discord: FakeDiscord, redis_store: RedisStore
) -> None:
    backends = [
        ScriptedBackend(write=discord_draft, cache_namespace="discord-tests"),
        ScriptedBackend(write=discord_draft, cache_namespace="discord-tests"),
    ]
    desks = [QuestionDesk.over(AnswerEngine(b, redis_store), redis_store) for b in backends]
    for desk in desks:
        await start_adapter(desk_=desk)
    try:
        # both replicas receive every event; one answers each (event dedupe in Redis)
        await fake_discord.dispatch("MESSAGE_CREATE", mention("How does factbot cache answers?"))
        await reports(fake_discord, 1)
        report = fake_discord.sent[-1]
        await _thread_remembered(desks[0], report["id"])
        await fake_discord.dispatch(
            "MESSAGE_CREATE", reply_to(report, "how long do they stay?", mentions=[BOT_USER])
        )
        await reports(fake_discord, 2)
    finally:
        for desk in desks:
            await desk.tasks.drain(5)
    asked = {q: b for b in backends for q in b.questions}
    assert set(asked) == {"How does factbot cache answers?", "how long do they stay?"}
    follow_up_backend = asked["how long do they stay?"]
    assert follow_up_backend.extra_terms[-1] == ("factbot", "cache", "answers")
    assert len([c for c in fake_discord.calls if channel_report(c)]) == 2
    assert USER  # the asker of both, answered once each


async def test_a_clicked_follow_up_is_a_turn_of_the_reports_thread(
    start_adapter: StartAdapter,
    fake_discord: FakeDiscord,
    desk: QuestionDesk,
    backend: ScriptedBackend,
) -> None:
    await start_adapter()
    components = await ask_for_report(fake_discord, "How does factbot cache answers?")
    report = fake_discord.sent[-1]
    await _thread_remembered(desk, report["id"])
    event = click(custom_ids(components, "ask")[0], components)
    event["message"]["id"] = report["id"]  # the click comes from that report
    await fake_discord.dispatch("INTERACTION_CREATE", event)
    await fake_discord.wait_for(
        lambda c: c.path == original_path(event) and is_report(c), what="the follow-up"
    )
    assert backend.questions[-1] == "Who measured it first?" and backend.extra_terms[-1] == ()
    follow_up_report = fake_discord.sent[-1]
    await _thread_remembered(desk, follow_up_report["id"])
    assert await desk.threads.earlier("discord", follow_up_report["id"]) == (
        "How does factbot cache answers?",
        "Who measured it first?",
    )


async def test_a_portal_without_the_intent_gets_a_clear_error(
    fake_discord: FakeDiscord, desk: QuestionDesk, caplog: pytest.LogCaptureFixture
) -> None:
    fake_discord.allowed_intents = 0
    adapter = DiscordAdapter(desk, token=TOKEN, api_url=fake_discord.url, message_content=True)
    with caplog.at_level(logging.ERROR, logger="adapters.discord.adapter"):
        await adapter.start()
        try:
            for _ in range(500):
                if "Privileged Gateway Intents" in caplog.text:
                    break
                await asyncio.sleep(0.01)
        finally:
            await adapter.aclose()
    assert "DISCORD_MESSAGE_CONTENT" in caplog.text and not adapter.is_healthy()
