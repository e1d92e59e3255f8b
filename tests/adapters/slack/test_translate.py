"""Reading Slack payloads, and the values factbot puts on its buttons."""

from __future__ import annotations

import pytest

from adapters.slack import translate
from adapters.slack.controls import FollowUpRef, ReportView, RetryRequest, decode_vote, encode_vote

ANSWER_ID = "0123456789abcdef"


@pytest.mark.parametrize(
    ("slack", "plain"),
    [
        ("is <!channel> safe?", "is @channel safe?"),
        ("<!here|here> and <!everyone>", "@here and @everyone"),
        ("ask <@U123> or <@U456|ana>", "ask @U123 or @ana"),
        ("in <#C1|general>", "in #general"),
        (
            "see <https://example.org/a?b=1&amp;c=2|the page> or <https://x.org>",
            "see the page or https://x.org",
        ),
        ("<!subteam^S1|@team> <!date^1700000000^{date}|Nov 14>", "@team Nov 14"),
        ("a &lt;b&gt; &amp;lt;", "a <b> &lt;"),
    ],
)
def test_plain_text_is_what_people_saw(slack: str, plain: str) -> None:
    assert translate.plain_text(slack) == plain


def test_the_bot_mention_is_taken_out_of_the_question() -> None:
    assert translate.question_from_mention("<@UBOT>  is  it <@U2> true? <@UBOT>", "UBOT") == (
        "is it @U2 true?"
    )
    assert translate.question_from_mention("<@UBOT>", "UBOT") == ""


@pytest.mark.parametrize(
    "text",
    [
        "<@UBOT> <@U999>",
        "<@UBOT> <@U9|ana> <#C1|general> <!here> <!subteam^S1|@team>",
        "<@UBOT> ??",
    ],
)
def test_a_mention_of_only_other_people_asks_nothing(text: str) -> None:
    assert translate.question_from_mention(text, "UBOT") == ""
    assert translate.question_from_mention("<@UBOT> is <@U9> right?", "UBOT") == "is @U9 right?"


def test_which_messages_are_questions() -> None:
    dm = {
        "type": "message",
        "channel_type": "im",
        "channel": "D1",
        "user": "U1",
        "text": "q",
        "ts": "1.1",
    }
    assert translate.is_dm_question(dm)
    assert not translate.is_dm_question({**dm, "bot_id": "B1"})
    assert not translate.is_dm_question({**dm, "subtype": "message_changed"})
    assert not translate.is_dm_question({**dm, "channel_type": "channel"})
    assert translate.is_from_bot({"subtype": "bot_message"})
    assert not translate.is_from_bot({"user": "U1"})


def test_where_answers_go() -> None:
    assert translate.reply_thread({"ts": "1.1"}) == "1.1"
    assert translate.reply_thread({"ts": "1.2", "thread_ts": "1.1"}) == "1.1"
    assert translate.followup_thread("C1", {"ts": "2.2", "thread_ts": "1.1"}) == "1.1"
    assert translate.followup_thread("C1", {"ts": "2.2"}) == "2.2"
    assert translate.followup_thread("D1", {"ts": "2.2"}) is None


def test_only_event_callbacks_carry_an_event_id() -> None:
    assert translate.event_id({"type": "event_callback", "event_id": "Ev1"}) == "Ev1"
    assert translate.event_id({"type": "block_actions", "event_id": "Ev1"}) is None


def test_button_values_round_trip_and_reject_what_factbot_did_not_make() -> None:
    view = ReportView(ANSWER_ID, frozenset({0, 3}), "U1")
    assert ReportView.decode(view.encode()) == view
    assert view.toggled(3).open_sections == frozenset({0})
    assert FollowUpRef.decode(FollowUpRef(ANSWER_ID, 4).encode()) == FollowUpRef(ANSWER_ID, 4)
    retry = RetryRequest("a <!channel> & b", refresh=True, asked_by="U2")
    assert "<" not in retry.encode() and RetryRequest.decode(retry.encode()) == retry
    assert decode_vote(encode_vote("down", ANSWER_ID)) == ("down", ANSWER_ID)
    for bad in ("x", f"{ANSWER_ID}:a:", f"{ANSWER_ID}::<@U1>", "nothex0123456789:1:"):
        with pytest.raises(ValueError):
            ReportView.decode(bad)
    for bad in ("", "sideways:" + ANSWER_ID, "up:short"):
        with pytest.raises(ValueError):
            decode_vote(bad)
    with pytest.raises(ValueError):
        RetryRequest.decode('{"q": 3}')
