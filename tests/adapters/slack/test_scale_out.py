"""Two replicas sharing Redis: a button rendered by one is handled by the other."""

from __future__ import annotations

from tests.adapters.slack.conftest import MENTION_TS, BuildHarness, SlackHarness, button, header
from tests.adapters.slack.fake_slack import BOT_USER


async def test_a_follow_up_rendered_by_one_replica_is_answered_by_another(
    make_harness: BuildHarness,
) -> None:
    first_replica: SlackHarness = await make_harness()
    second_replica: SlackHarness = await make_harness()  # its own engine: it never saw the answer
    await first_replica.mention(f"<@{BOT_USER}> is tea healthy?")
    report = await first_replica.report_post()

    status, _ = await second_replica.click(report, button(report, "followup-1"), user="U2")
    assert status == 200

    follow_up = await second_replica.report_post(2)
    assert header(follow_up) == "Why so?"
    assert second_replica.backend.questions == ["Why so?"]
    assert first_replica.backend.questions == ["is tea healthy?"]


async def test_a_retried_event_reaching_another_replica_is_answered_once(
    make_harness: BuildHarness,
) -> None:
    first_replica: SlackHarness = await make_harness()
    second_replica: SlackHarness = await make_harness()
    event = {
        "type": "app_mention",
        "user": "U1",
        "channel": "C1",
        "text": f"<@{BOT_USER}> is water wet?",
        "ts": MENTION_TS,
        "event_ts": MENTION_TS,
    }
    assert (await first_replica.event(event, event_id="EvSame"))[0] == 200
    status, _ = await second_replica.event(
        event,
        event_id="EvSame",
        **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
    )
    assert status == 200
    await first_replica.report_post()
    assert first_replica.backend.runs + second_replica.backend.runs == 1
    assert second_replica.backend.runs == 0
