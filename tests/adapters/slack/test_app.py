"""The Slack app end to end: signed requests through the real aiohttp route and bolt AsyncApp,
a real engine over Redis, and every Web API call checked on a loopback fake of Slack."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from datetime import timedelta
from typing import Any

import pytest

from adapters.slack import controls
from adapters.slack.render import render_report
from adapters.wording import describe_error
from answers import AnswerNotFound, FeedbackStore
from tests.adapters.slack.conftest import (
    FIRST_TS,
    MENTION_TS,
    BuildHarness,
    SlackHarness,
    as_message,
    button,
    header,
    texts,
)
from tests.adapters.slack.fake_slack import BOT_USER, block_actions, signed_headers
from tests.adapters.slack.limits import problems, walk_blocks
from tests.answers.fake_backend import ScriptedBackend
from tests.factories import make_answer


async def test_mention_shows_a_placeholder_then_the_report_in_its_thread(
    make_harness: BuildHarness,
) -> None:
    gate = asyncio.Event()
    h: SlackHarness = await make_harness(backend=ScriptedBackend(gate=gate))

    status, _ = await h.mention(f"<@{BOT_USER}> Is the moon made of cheese?")
    assert status == 200

    placeholder = await h.fake.wait_for(lambda: h.fake.posts(), what="the placeholder")
    assert placeholder[0]["thread_ts"] == MENTION_TS
    assert placeholder[0]["unfurl_links"] is False and placeholder[0]["unfurl_media"] is False
    assert "Searching" in texts(placeholder[0])
    await h.fake.wait_for(lambda: h.fake.to("/assistant.threads.setStatus"), what="the status")
    gate.set()

    report = await h.report_post()
    assert report in h.fake.updates()  # the placeholder became the report
    assert report["ts"] == FIRST_TS
    assert header(report) == "Is the moon made of cheese?"
    assert problems(report) == []
    assert h.backend.questions == ["Is the moon made of cheese?"]
    statuses = await h.fake.wait_for(
        lambda: (
            len(h.fake.to("/assistant.threads.setStatus")) >= 2
            and h.fake.to("/assistant.threads.setStatus")
        ),
        what="the status cleared",
    )
    assert statuses[-1]["status"] == ""


async def test_progress_updates_wait_for_the_interval(make_harness: BuildHarness) -> None:
    gate = asyncio.Event()
    h: SlackHarness = await make_harness(backend=ScriptedBackend(gate=gate), progress_interval=3600)
    await h.mention(f"<@{BOT_USER}> how slow is this?")
    await h.fake.wait_for(lambda: h.fake.posts(), what="the placeholder")
    gate.set()  # reading and writing progress follow at once: too soon to show

    report = await h.report_post()
    assert h.fake.updates() == [report]


async def test_slack_checks_the_request_url(make_harness: BuildHarness) -> None:
    h: SlackHarness = await make_harness()
    body = json.dumps({"token": "legacy", "challenge": "c-123", "type": "url_verification"})
    status, text = await h.send(body, "application/json")
    assert status == 200 and "c-123" in text


async def test_a_cached_answer_arrives_without_a_placeholder(make_harness: BuildHarness) -> None:
    h: SlackHarness = await make_harness()
    await h.desk.ask("slack", "U0", "What is factbot?")

    await h.mention(f"<@{BOT_USER}> what is factbot")
    report = await h.report_post()

    assert h.fake.posts() == [report]  # posted once, the report itself
    assert h.fake.updates() == []
    assert h.backend.runs == 1


async def test_a_direct_message_is_answered_in_the_conversation(
    make_harness: BuildHarness,
) -> None:
    h: SlackHarness = await make_harness()
    await h.event(
        {
            "type": "message",
            "channel_type": "im",
            "channel": "D1",
            "user": "U1",
            "text": "Who wrote the report?",
            "ts": "1700000000.000200",
        }
    )

    report = await h.report_post()
    assert report["channel"] == "D1"
    assert header(report) == "Who wrote the report?"
    first = h.fake.posts()[0]
    assert first["channel"] == "D1" and "thread_ts" not in first


async def test_the_slash_command_acks_and_posts_the_report_naming_the_asker(
    make_harness: BuildHarness,
) -> None:
    h: SlackHarness = await make_harness()
    status, body = await h.command("Does caching help?", user="U7")
    assert (status, body) == (200, "")

    report = await h.report_post()
    assert report["channel"] == "C1" and "thread_ts" not in h.fake.posts()[0]
    assert header(report) == "Does caching help?"
    assert "Asked by <@U7>" in texts(report)


async def test_an_empty_command_or_a_bare_mention_gets_usage(make_harness: BuildHarness) -> None:
    h: SlackHarness = await make_harness()
    status, body = await h.command("   ")
    assert status == 200 and "/factcheck How does factbot cache answers?" in body

    status, body = await h.command("<@U999>")
    assert status == 200 and "/factcheck How does factbot cache answers?" in body

    await h.mention(f"<@{BOT_USER}> <@U999>")
    usage = await h.fake.wait_for(lambda: h.fake.posts(), what="the usage reply")
    assert usage[0]["thread_ts"] == MENTION_TS
    assert "Ask me a question" in usage[0]["text"]
    assert h.backend.runs == 0


async def test_the_message_shortcut_checks_that_message_in_its_thread(
    make_harness: BuildHarness,
) -> None:
    h: SlackHarness = await make_harness()
    status, _ = await h.interact(
        {
            "type": "message_action",
            "callback_id": "factcheck_message",
            "team": {"id": "T1"},
            "user": {"id": "U3"},
            "channel": {"id": "C9"},
            "trigger_id": "trigger",
            "message_ts": "1700000000.000300",
            "response_url": h.fake.response_url("shortcut"),
            "message": {
                "type": "message",
                "user": "U4",
                "ts": "1700000000.000300",
                "text": "The Great Wall is visible from space &amp; the moon",
            },
        }
    )
    assert status == 200

    report = await h.report_post()
    assert report["channel"] == "C9"
    assert h.fake.posts()[0]["thread_ts"] == "1700000000.000300"
    assert h.backend.questions == ["The Great Wall is visible from space & the moon"]
    assert "Asked by <@U3>" in texts(report)


async def test_bots_and_factbot_itself_are_ignored(make_harness: BuildHarness) -> None:
    h: SlackHarness = await make_harness()
    await h.mention(f"<@{BOT_USER}> from another bot", bot_id="B2")
    await h.event(
        {
            "type": "message",
            "channel_type": "im",
            "channel": "D1",
            "user": BOT_USER,
            "bot_id": "BBOT",
            "text": "my own report",
            "ts": "1700000000.000400",
        }
    )
    await h.event(
        {
            "type": "message",
            "channel_type": "im",
            "channel": "D1",
            "user": "U1",
            "text": "a person's question",
            "ts": "1700000000.000500",
        }
    )

    report = await h.report_post()
    assert header(report) == "a person's question"
    assert h.backend.questions == ["a person's question"]
    assert len(h.fake.posts()) == 1


async def test_a_follow_up_click_answers_in_the_same_thread_naming_who_asked(
    make_harness: BuildHarness,
) -> None:
    h: SlackHarness = await make_harness()
    await h.desk.ask("slack", "U0", "Is tea healthy?")
    await h.mention(f"<@{BOT_USER}> is tea healthy?")
    first = await h.report_post()

    status, _ = await h.click(first, button(first, "followup-1"), user="U2")
    assert status == 200

    follow_up = await h.report_post(2)
    assert h.backend.questions[-1] == "Why so?"
    assert header(follow_up) == "Why so?"
    assert "Asked by <@U2>" in texts(follow_up)
    assert all(p.get("thread_ts") == MENTION_TS for p in h.fake.posts())


async def test_feedback_votes_count_once_per_person_the_last_one_winning(
    make_harness: BuildHarness,
    redis_store: Any,
) -> None:
    h: SlackHarness = await make_harness()
    await h.mention(f"<@{BOT_USER}> is coffee bad?")
    report = await h.report_post()
    feedback = next(
        e for b in report["blocks"] if b["type"] == "context_actions" for e in b["elements"]
    )
    answer_id = feedback["positive_button"]["value"].split(":")[1]
    message = as_message(report, FIRST_TS, MENTION_TS)

    for user, button_name in (
        ("U1", "positive_button"),
        ("U1", "negative_button"),
        ("U2", "positive_button"),
    ):
        action = {
            "type": "feedback_buttons",
            "action_id": controls.FEEDBACK,
            "value": feedback[button_name]["value"],
        }
        thanked = len(h.fake.responses())
        await h.interact(
            block_actions(
                user=user,
                channel="C1",
                message=message,
                action=action,
                response_url=h.fake.response_url("vote"),
            )
        )
        await h.fake.wait_for(lambda n=thanked: len(h.fake.responses()) > n, what="the thanks")

    assert await FeedbackStore(redis_store).votes(answer_id) == {"U1": "down", "U2": "up"}
    thanks = h.fake.responses()[-1]
    assert thanks["response_type"] == "ephemeral" and "👍 1 · 👎 1" in thanks["text"]


def follow_up_button(message: dict[str, Any], index: int) -> dict[str, Any]:
    """The follow-up button as a click brings it back: its label included."""
    for block in walk_blocks(message["blocks"]):
        for element in block.get("elements", []):
            if element.get("action_id") == controls.FOLLOW_UP.format(index=index):
                return dict(element)
    raise AssertionError(f"no follow-up button {index}")


async def test_clicks_on_an_answer_no_longer_stored_follow_the_desks_rules(
    make_harness: BuildHarness, redis_store: Any
) -> None:
    h: SlackHarness = await make_harness()
    gone = render_report(make_answer(question="Never stored?"))

    # A follow-up whose label shows the whole question asks that question.
    await h.click(gone, follow_up_button(gone, 0), user="U2", name="follow-up")
    assert header(await h.report_post()) == "Follow-up question number 1?"

    # A cut label is not the question, and a vote on it records nothing: both say "expired".
    cut = render_report(make_answer(question="Gone too?", markup=True))
    feedback = next(
        e for b in cut["blocks"] if b["type"] == "context_actions" for e in b["elements"]
    )
    vote = {
        "type": "feedback_buttons",
        "action_id": controls.FEEDBACK,
        "value": feedback["positive_button"]["value"],
    }
    for n, action in enumerate((follow_up_button(cut, 0), vote), start=1):
        await h.click(cut, action, user="U3", name=f"gone-{n}")
        said = await h.fake.wait_for(lambda n=n: h.fake.responses()[n - 1 :], what="the refusal")
        assert said[0]["response_type"] == "ephemeral"
        assert said[0]["text"] == describe_error(AnswerNotFound("x"))
    assert h.backend.questions == ["Follow-up question number 1?"]
    answer_id = vote["value"].split(":")[1]
    assert await FeedbackStore(redis_store).votes(answer_id) == {}


async def test_the_buttons_fallback_shows_and_hides_a_section(make_harness: BuildHarness) -> None:
    h: SlackHarness = await make_harness(sections="buttons")
    await h.mention(f"<@{BOT_USER}> does sleep matter?")
    report = await h.report_post()
    assert not any(b["type"] == "container" for b in report["blocks"])
    assert "Point 1." not in texts(report)

    await h.click(report, button(report, "section-1"), user="U5", name="show")
    opened = await h.report_post(2)
    assert opened["ts"] == FIRST_TS
    assert "Point 1." in texts(opened) and "Point 2." not in texts(opened)
    assert "Hide details" in texts(opened)
    assert problems(opened) == []

    await h.click(opened, button(opened, "section-1"), user="U5", name="hide")
    closed = await h.report_post(3)
    assert closed["ts"] == FIRST_TS
    assert "Point 1." not in texts(closed) and "Hide details" not in texts(closed)
    assert {b["block_id"] for b in closed["blocks"]}.isdisjoint(
        b["block_id"] for b in opened["blocks"]
    )


async def test_a_retried_event_is_answered_once(make_harness: BuildHarness) -> None:
    h: SlackHarness = await make_harness()
    event = {
        "type": "app_mention",
        "user": "U1",
        "channel": "C1",
        "text": f"<@{BOT_USER}> is it raining?",
        "ts": MENTION_TS,
    }
    await h.event(event, event_id="EvSame")
    status, _ = await h.event(
        event,
        event_id="EvSame",
        **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
    )
    assert status == 200
    await h.event({**event, "text": f"<@{BOT_USER}> and tomorrow?", "ts": "1700000000.000900"})

    await h.report_post(2)
    assert sorted(h.backend.questions) == ["and tomorrow?", "is it raining?"]
    assert len(h.fake.posts()) == 2


async def test_unsigned_or_stale_requests_are_rejected(make_harness: BuildHarness) -> None:
    h: SlackHarness = await make_harness()
    body = '{"type": "event_callback", "event_id": "Ev1", "event": {"type": "app_mention"}}'
    bad = await h.http.post(
        "/slack/events",
        data=body,
        headers={
            "content-type": "application/json",
            "x-slack-request-timestamp": "1",
            "x-slack-signature": "v0=forged",
        },
    )
    assert bad.status == 401
    unsigned = await h.http.post(
        "/slack/events", data=body, headers={"content-type": "application/json"}
    )
    assert unsigned.status == 401
    stale = await h.http.post(
        "/slack/events",
        data=body,
        headers=signed_headers(body, "application/json", timestamp=int(time.time()) - 600),
    )
    assert stale.status == 401
    assert h.fake.calls == []


@pytest.mark.parametrize(
    "body",
    [
        b'{"type": "event_callback", "event": ',  # malformed JSON
        b"token=x&command=%2Ffactcheck&text=hi%0A2026-01-01 ERROR forged&response_url="
        b"https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1%2F1%2FsEcReTpArT",
        b'{"padding": "' + b"x" * 900_000 + b'"}',
    ],
    ids=["malformed", "form-with-newline", "large"],
)
async def test_an_unsigned_request_is_refused_before_anything_reads_or_logs_it(
    make_harness: BuildHarness, caplog: pytest.LogCaptureFixture, body: bytes
) -> None:
    h: SlackHarness = await make_harness()
    with caplog.at_level(logging.DEBUG):
        statuses = []
        for _ in range(5):
            response = await h.http.post(
                "/slack/events",
                data=body,
                headers={
                    "content-type": "application/x-www-form-urlencoded",
                    "x-slack-request-timestamp": str(int(time.time())),
                    "x-slack-signature": "v0=forged",
                },
            )
            statuses.append(response.status)
            assert await response.json() == {"error": "invalid request signature"}
    assert statuses == [401] * 5
    logged = "\n".join(r.getMessage() + str(r.exc_info or "") for r in caplog.records)
    assert "sEcReTpArT" not in logged and "forged" not in logged and "xxxxxxxx" not in logged
    assert "Traceback" not in logged and len(logged) < 2000
    refusals = [r for r in caplog.records if "without a valid signature" in r.getMessage()]
    assert len(refusals) == 1  # five refusals, one line
    assert h.fake.calls == []


async def test_broadcast_mentions_in_a_question_never_reach_slack_raw(
    make_harness: BuildHarness,
) -> None:
    h: SlackHarness = await make_harness()
    await h.mention(f"<@{BOT_USER}> did <!channel> or <!here|here> hear <@U999> &lt;!everyone&gt;?")

    report = await h.report_post()
    assert h.backend.questions == ["did @channel or @here hear @U999 <!everyone>?"]
    raw = "\n".join(c.raw for c in h.fake.calls)
    for markup in ("<!channel>", "<!here", "<!everyone>", "<@U999>"):
        assert markup not in raw
    assert "&lt;!everyone&gt;" in texts(report)


async def test_an_engine_failure_becomes_an_error_with_try_again(
    make_harness: BuildHarness,
) -> None:
    gate = asyncio.Event()
    h: SlackHarness = await make_harness(backend=ScriptedBackend(gate=gate, fail_times=1))
    await h.mention(f"<@{BOT_USER}> will this fail <!channel>?")
    await h.fake.wait_for(lambda: h.fake.posts(), what="the placeholder")
    gate.set()

    failed = await h.fake.wait_for(
        lambda: [u for u in h.fake.updates() if "Try again" in texts(u)], what="the error"
    )
    assert "couldn't research that question" in failed[0]["text"]
    assert failed[0]["ts"] == FIRST_TS  # the placeholder became the error
    assert problems(failed[0]) == []
    await h.fake.wait_for(
        lambda: h.fake.to("/assistant.threads.setStatus")[-1]["status"] == "",
        what="the status cleared",
    )

    retry = button(failed[0], controls.TRY_AGAIN)
    await h.click(failed[0], retry, user="U1", name="retry")
    report = await h.report_post()
    assert report["ts"] == FIRST_TS
    assert h.backend.runs == 2


async def test_too_many_questions_get_a_polite_private_reply(make_harness: BuildHarness) -> None:
    h: SlackHarness = await make_harness(per_minute=1)
    await h.mention(f"<@{BOT_USER}> first question", ts="1700000000.000001")
    await h.report_post()
    await h.mention(f"<@{BOT_USER}> second question", ts="1700000000.000002")

    told = await h.fake.wait_for(lambda: h.fake.to("/chat.postEphemeral"), what="the refusal")
    assert told[0]["user"] == "U1" and "Try again in" in told[0]["text"]
    assert h.backend.questions == ["first question"]


async def test_slack_rate_limits_are_retried(make_harness: BuildHarness) -> None:
    h: SlackHarness = await make_harness()
    await h.desk.ask("slack", "U0", "Retry me")
    h.fake.rate_limit_once.add("/chat.postMessage")
    await h.mention(f"<@{BOT_USER}> retry me")

    refused, posted = await h.fake.wait_for(
        lambda: len(h.fake.posts()) == 2 and h.fake.posts(),
        what="the post sent again after the 429",
    )
    assert refused == posted and header(posted) == "Retry me"


async def test_a_command_where_the_bot_is_not_a_member_answers_through_response_url(
    make_harness: BuildHarness,
) -> None:
    h: SlackHarness = await make_harness()
    h.fake.not_member.add("CPRIVATE")
    await h.desk.ask("slack", "U0", "Is it private?")
    await h.command("Is it private?", channel="CPRIVATE")

    sent = await h.fake.wait_for(lambda: h.fake.responses(), what="the response_url reply")
    assert sent[0]["response_type"] == "in_channel"
    assert header(sent[0]) == "Is it private?"


async def test_a_stale_answer_offers_refresh_which_researches_again(
    make_harness: BuildHarness,
) -> None:
    h: SlackHarness = await make_harness()
    await h.desk.ask("slack", "U0", "Is the bridge open?")
    h.clock.now += timedelta(days=2)

    await h.mention(f"<@{BOT_USER}> is the bridge open")
    stale = await h.report_post()
    refresh = button(stale, controls.REFRESH)
    await h.click(stale, refresh, user="U1", name="refresh")

    fresh = await h.report_post(2)
    assert fresh["ts"] == FIRST_TS
    assert h.backend.runs == 2
    assert "refresh" not in json.dumps([b.get("accessory") for b in fresh["blocks"]])


async def test_shutdown_leaves_no_placeholder_thinking(make_harness: BuildHarness) -> None:
    h: SlackHarness = await make_harness(backend=ScriptedBackend(gate=asyncio.Event()))
    await h.mention(f"<@{BOT_USER}> will you finish?")
    await h.fake.wait_for(lambda: h.fake.to("/assistant.threads.setStatus"), what="the status")

    await h.adapter.drain()
    status, _ = await h.mention(f"<@{BOT_USER}> one more?", ts="1700000000.000777")
    assert status == 200
    await h.desk.tasks.drain(0)  # as `factbot run` does: cancel what the deadline left running
    await h.adapter.aclose()

    restarted = [u for u in h.fake.updates() if "restarting" in u["text"]]
    assert restarted and restarted[0]["ts"] == FIRST_TS
    assert "Try again" in texts(restarted[0])
    assert h.fake.to("/assistant.threads.setStatus")[-1]["status"] == ""
    refused = await h.fake.wait_for(lambda: h.fake.posts()[1:], what="the restarting notice")
    assert "restarting" in refused[0]["text"] and h.backend.runs == 1


async def test_an_edited_mention_is_not_answered_again(make_harness: BuildHarness) -> None:
    h: SlackHarness = await make_harness()
    await h.mention(f"<@{BOT_USER}> is the lake frozen?")
    await h.report_post()
    # Slack sends app_mention again, under a new event id, when the message is edited.
    await h.mention(
        f"<@{BOT_USER}> is the lake frozen yet?",
        edited={"user": "U1", "ts": "1700000001.000000"},
    )
    await h.mention(f"<@{BOT_USER}> is the river frozen?", ts="1700000000.000200")

    second = await h.report_post(2)
    assert header(second) == "is the river frozen?"
    assert h.backend.questions == ["is the lake frozen?", "is the river frozen?"]
    assert len(h.fake.posts()) == 2


def shortcut_on(message: dict[str, Any], response_url: str) -> dict[str, Any]:
    return {
        "type": "message_action",
        "callback_id": "factcheck_message",
        "team": {"id": "T1"},
        "user": {"id": "U3"},
        "channel": {"id": "C9"},
        "trigger_id": "trigger",
        "message_ts": message["ts"],
        "response_url": response_url,
        "message": message,
    }


async def test_the_shortcut_reads_a_message_that_has_only_attachments_or_blocks(
    make_harness: BuildHarness,
) -> None:
    h: SlackHarness = await make_harness()
    from_a_feed = {
        "type": "message",
        "subtype": "bot_message",
        "bot_id": "BFEED",
        "ts": "1700000000.000301",
        "text": "",
        "attachments": [{"fallback": "x", "title": "Bees &amp; wasps", "text": "both sleep"}],
    }
    from_an_app = {
        "type": "message",
        "bot_id": "BAPP",
        "ts": "1700000000.000302",
        "text": "",
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": "Tides follow the moon"}}
        ],
    }
    await h.interact(shortcut_on(from_a_feed, h.fake.response_url("feed")))
    await h.report_post()
    await h.interact(shortcut_on(from_an_app, h.fake.response_url("app")))
    await h.report_post(2)
    assert h.backend.questions == ["Bees & wasps both sleep", "Tides follow the moon"]


async def test_the_shortcut_on_an_image_alone_says_there_is_no_text(
    make_harness: BuildHarness,
) -> None:
    h: SlackHarness = await make_harness()
    image_only = {
        "type": "message",
        "subtype": "file_share",
        "user": "U4",
        "ts": "1700000000.000303",
        "text": "",
        "files": [{"id": "F1", "mimetype": "image/png"}],
    }
    await h.interact(shortcut_on(image_only, h.fake.response_url("image")))

    said = await h.fake.wait_for(lambda: h.fake.responses(), what="the private reply")
    assert said[0]["response_type"] == "ephemeral"
    assert "no text I can fact-check" in said[0]["text"]
    assert h.backend.runs == 0 and h.fake.posts() == []


async def test_a_dm_that_mentions_factbot_is_answered_once(make_harness: BuildHarness) -> None:
    h: SlackHarness = await make_harness()
    text = f"<@{BOT_USER}> do owls blink?"
    dm = {"channel": "D1", "user": "U1", "text": text, "ts": "1700000000.000400"}
    await h.event({"type": "app_mention", **dm}, event_id="EvMention")
    await h.event({"type": "message", "channel_type": "im", **dm}, event_id="EvMessage")
    await h.event(
        {"type": "message", "channel_type": "im", **dm, "text": "and bats?", "ts": "1.5"},
        event_id="EvLater",
    )

    await h.report_post(2)
    assert sorted(h.backend.questions) == ["and bats?", "do owls blink?"]
    assert len(h.fake.posts()) == 2


async def test_edits_deletions_joins_bots_and_channel_chatter_are_not_questions(
    make_harness: BuildHarness,
) -> None:
    h: SlackHarness = await make_harness()
    dm = {"type": "message", "channel_type": "im", "channel": "D1", "ts": "1700000000.000600"}
    not_questions = [
        {**dm, "subtype": "message_changed", "message": {"user": "U1", "text": "edited?"}},
        {**dm, "subtype": "message_deleted", "previous_message": {"text": "gone?"}},
        {**dm, "subtype": "bot_message", "bot_id": "B9", "text": "a bot's DM?"},
        {**dm, "bot_id": "BAPP", "app_id": "A9", "user": "U8", "text": "an app's DM?"},
        {**dm, "subtype": "channel_join", "user": "U1", "text": "<@U1> has joined"},
        {**dm, "channel_type": "channel", "channel": "C1", "user": "U1", "text": "a thread reply?"},
        {"type": "app_mention", "channel": "C1", "text": f"<@{BOT_USER}> no user?", "ts": "1.7"},
    ]
    for event in not_questions:
        await h.event(event)
    await h.event({**dm, "user": "U1", "text": "the one question"})

    report = await h.report_post()
    assert header(report) == "the one question"
    assert h.backend.questions == ["the one question"]
    assert len(h.fake.posts()) == 1


async def test_a_20000_character_question_gets_a_private_reply(make_harness: BuildHarness) -> None:
    h: SlackHarness = await make_harness()
    await h.mention(f"<@{BOT_USER}> " + "why " * 5000)

    told = await h.fake.wait_for(lambda: h.fake.to("/chat.postEphemeral"), what="the refusal")
    assert "19,999 characters long" in told[0]["text"] and told[0]["user"] == "U1"
    assert h.backend.runs == 0 and h.fake.posts() == []
