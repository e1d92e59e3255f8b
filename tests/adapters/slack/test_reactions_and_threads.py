"""Slack: fact-checking a message by reacting to it, and follow-ups that remember the thread.

Signed events through the real route and bolt app; `conversations.history` and
`conversations.replies` read the fake's messages as Slack does."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from adapters.slack.reactions import CANNOT_READ, OWN_MESSAGE
from adapters.wording import NO_TEXT_TO_CHECK
from answers.backends.corpus import CorpusBackend
from tests.adapters.slack.conftest import (
    FIRST_TS,
    BuildHarness,
    SlackHarness,
    button,
    header,
    texts,
)
from tests.adapters.slack.fake_slack import BOT_USER

DOCS = Path(__file__).resolve().parents[3] / "docs"
CLAIM_TS = "1700000000.000300"


def claim(
    h: SlackHarness, text: str = "The Great Wall is visible from space.", **extra: Any
) -> None:
    h.fake.add_message(
        "C1", {"type": "message", "user": "U1", "text": text, "ts": CLAIM_TS, **extra}
    )


async def test_a_reaction_fact_checks_the_message_in_its_thread_naming_who_asked(
    make_harness: BuildHarness,
) -> None:
    h: SlackHarness = await make_harness()
    claim(h)
    status, _ = await h.react(CLAIM_TS, user="U2")
    assert status == 200

    report = await h.report_post()
    assert report["thread_ts"] == CLAIM_TS and report["channel"] == "C1"
    assert header(report) == "The Great Wall is visible from space."
    assert "Asked by <@U2>" in texts(report)
    assert h.backend.questions == ["The Great Wall is visible from space."]
    read = h.fake.to("/conversations.history")[0]
    assert read["channel"] == "C1" and read["latest"] == CLAIM_TS


async def test_five_people_reacting_get_one_answer(make_harness: BuildHarness) -> None:
    h: SlackHarness = await make_harness()
    claim(h)
    await asyncio.gather(*(h.react(CLAIM_TS, user=f"U{n}") for n in range(2, 7)))
    await h.report_post()
    await asyncio.sleep(0.2)
    assert h.backend.runs == 1
    reports = [p for p in h.fake.posts() if p.get("thread_ts") == CLAIM_TS]
    assert len(reports) == 1
    # ... and a later reaction, even by someone new, is not answered again
    await h.react(CLAIM_TS, user="U9")
    await asyncio.sleep(0.1)
    assert h.backend.runs == 1


async def test_a_reaction_on_a_thread_reply_reads_the_thread_and_answers_there(
    make_harness: BuildHarness,
) -> None:
    h: SlackHarness = await make_harness()
    h.fake.add_message("C1", {"type": "message", "user": "U1", "text": "Start", "ts": "1.000100"})
    reply = {"type": "message", "user": "U3", "text": "Bats are blind.", "thread_ts": "1.000100"}
    h.fake.add_message("C1", {**reply, "ts": "1.000200"})
    await h.react("1.000200")

    report = await h.report_post()
    assert report["thread_ts"] == "1.000100"
    assert h.backend.questions == ["Bats are blind."]
    assert h.fake.to("/conversations.replies")[0]["ts"] == "1.000200"


async def test_reactions_on_empty_own_or_unreadable_messages_get_a_private_word(
    make_harness: BuildHarness,
) -> None:
    h: SlackHarness = await make_harness()
    h.fake.add_message(
        "C1", {"type": "message", "user": "U1", "text": "", "ts": "2.1", "files": [{}]}
    )
    own = {"type": "message", "user": BOT_USER, "bot_id": "BBOT", "text": "A report", "ts": "2.2"}
    h.fake.add_message("C1", own)
    news = {"type": "message", "subtype": "bot_message", "bot_id": "BNEWS", "ts": "2.3"}
    h.fake.add_message("C1", {**news, "text": "Breaking: tea cures colds."})

    await h.react("2.1", user="U4")
    await h.react("2.2", user="U5")
    await h.react("9.9", user="U6")  # a message Slack does not have
    told = await h.fake.wait_for(
        lambda: len(h.fake.to("/chat.postEphemeral")) >= 3 and h.fake.to("/chat.postEphemeral"),
        what="three private replies",
    )
    said = {t["user"]: t["text"] for t in told}
    assert said == {"U4": NO_TEXT_TO_CHECK, "U5": OWN_MESSAGE, "U6": CANNOT_READ}
    assert h.backend.runs == 0

    await h.react("2.3", user="U7")  # another bot's message is fair game
    await h.report_post()
    assert h.backend.questions == ["Breaking: tea cures colds."]


async def test_other_emoji_and_the_configured_emoji(make_harness: BuildHarness) -> None:
    h: SlackHarness = await make_harness()
    claim(h)
    await h.react(CLAIM_TS, reaction="thumbsup")
    await h.react(CLAIM_TS, reaction="mag_right")
    await asyncio.sleep(0.1)
    assert h.backend.runs == 0 and h.fake.to("/conversations.history") == []


async def test_a_follow_up_in_a_thread_uses_the_earlier_question(
    make_harness: BuildHarness, tmp_path: Path
) -> None:
    backend = CorpusBackend(DOCS, index_path=tmp_path / "docs.sqlite3")
    h: SlackHarness = await make_harness(backend=backend)
    try:
        await h.mention(f"<@{BOT_USER}> How does factbot cache answers?", ts="1700000000.000100")
        await h.report_post()
        await h.mention(
            f"<@{BOT_USER}> how long do they stay?",
            ts="1700000000.000900",
            thread_ts="1700000000.000100",
        )
        follow_up = await h.report_post(2)
    finally:
        await backend.aclose()
    assert follow_up["thread_ts"] == "1700000000.000100"
    assert header(follow_up) == "how long do they stay?"
    assert "Answering: how long do they stay? (about factbot, cache, answers)" in texts(follow_up)
    assert "How factbot caches answers" in texts(follow_up)  # the caching page, cited


async def test_the_thread_is_shared_by_two_replicas(make_harness: BuildHarness) -> None:
    one: SlackHarness = await make_harness()
    two: SlackHarness = await make_harness()
    two._events = 100  # its own event ids: both replicas drop retries through one Redis
    await one.mention(f"<@{BOT_USER}> How does factbot cache answers?", ts="1700000000.000100")
    await one.report_post()
    await two.mention(
        f"<@{BOT_USER}> how long do they stay?",
        ts="1700000000.000900",
        thread_ts="1700000000.000100",
    )
    await two.report_post(2)
    assert two.backend.questions == ["how long do they stay?"]
    assert two.backend.extra_terms == [("factbot", "cache", "answers")]


async def test_a_top_level_mention_and_another_thread_start_afresh(
    make_harness: BuildHarness,
) -> None:
    h: SlackHarness = await make_harness()
    await h.mention(f"<@{BOT_USER}> How does factbot cache answers?", ts="1700000000.000100")
    await h.report_post()
    await h.mention(f"<@{BOT_USER}> how long do they stay?", ts="1700000000.000500")
    await h.report_post(2)
    assert h.backend.extra_terms == [(), ()]


async def test_a_dm_thread_continues_the_conversation(make_harness: BuildHarness) -> None:
    h: SlackHarness = await make_harness()
    await h.message("How does factbot cache answers?", channel="D1", channel_type="im", ts="5.1")
    first = await h.report_post()
    assert "thread_ts" not in first or first["thread_ts"] is None
    # the report's own ts starts the thread, remembered once the report is posted
    for _ in range(100):
        if await h.desk.threads.earlier("slack", f"D1:{FIRST_TS}"):
            break
        await asyncio.sleep(0.01)
    # a reply in the report's thread (the report is the thread's parent)
    await h.message("and how long?", channel="D1", channel_type="im", ts="5.3", thread_ts=FIRST_TS)
    await h.report_post(2)
    assert h.backend.extra_terms[-1] == ("factbot", "cache", "answers")


async def test_a_clicked_follow_up_is_a_turn_of_the_thread(make_harness: BuildHarness) -> None:
    h: SlackHarness = await make_harness()
    await h.mention(f"<@{BOT_USER}> How does factbot cache answers?", ts="1700000000.000100")
    first = await h.report_post()
    await h.click(first, button(first, "followup-0"), user="U2")
    await h.report_post(2)
    assert h.backend.questions[-1] == "What next?" and h.backend.extra_terms[-1] == ()
    assert await h.desk.threads.earlier("slack", "C1:1700000000.000100") == (
        "How does factbot cache answers?",
        "What next?",
    )
    # the click's answer carries no "Answering:" line: it was asked as written
    assert "Answering:" not in json.dumps(h.fake.posts()[-1])


async def test_try_again_asks_a_follow_up_again_in_its_thread(make_harness: BuildHarness) -> None:
    h: SlackHarness = await make_harness()
    await h.mention(f"<@{BOT_USER}> How does factbot cache answers?", ts="1700000000.000100")
    await h.report_post()
    h.backend.fail_times = 1
    await h.mention(
        f"<@{BOT_USER}> how long do they stay?",
        ts="1700000000.000900",
        thread_ts="1700000000.000100",
    )
    failed = await h.fake.wait_for(
        lambda: [m for m in [*h.fake.posts(), *h.fake.updates()] if "Try again" in texts(m)],
        what="the error",
    )
    posted_ts = failed[0].get("ts") or "1800000000.000002"
    retry = button(failed[0], "try-again")
    await h.click(failed[0], retry, user="U1", name="retry", ts=posted_ts)
    await h.report_post(2)
    assert h.backend.extra_terms == [
        (),
        ("factbot", "cache", "answers"),
        ("factbot", "cache", "answers"),
    ]
