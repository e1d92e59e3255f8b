"""The desk's click rules and its one "accepting" flag, the same for every adapter."""

from __future__ import annotations

import asyncio

import pytest

from adapters.desk import QuestionDesk
from adapters.wording import RESTARTING, usage
from answers import AnswerEngine, AnswerNotFound, FeedbackStore, RedisStore, ShuttingDown
from tests.answers.fake_backend import ScriptedBackend

GONE = "0123456789abcdef"  # an answer id never stored


@pytest.fixture
def desk(redis_store: RedisStore) -> QuestionDesk:
    return QuestionDesk.over(AnswerEngine(ScriptedBackend(), redis_store), redis_store)


async def test_an_expired_follow_up_asks_its_label_only_when_the_label_is_whole(
    desk: QuestionDesk,
) -> None:
    outcome = await desk.ask("test", "u1", "Is ice slippery?")
    stored = outcome.answer
    assert await desk.follow_up(stored.id, 1, label="Anything") == stored.follow_ups[1]
    assert await desk.follow_up(GONE, 0, label="Why is ice slippery?") == "Why is ice slippery?"
    for label in (None, "", "   ", "Why is ice slipp…"):
        with pytest.raises(AnswerNotFound):
            await desk.follow_up(GONE, 0, label=label)


async def test_a_vote_on_an_answer_no_longer_stored_records_nothing(
    desk: QuestionDesk, redis_store: RedisStore
) -> None:
    with pytest.raises(AnswerNotFound):
        await desk.vote(GONE, "u1", "up")
    assert await FeedbackStore(redis_store).votes(GONE) == {}
    stored = (await desk.ask("test", "u1", "Is ice slippery?")).answer
    assert (await desk.vote(stored.id, "u1", "up")).up == 1


async def test_a_section_click_needs_the_answer_and_the_section(desk: QuestionDesk) -> None:
    stored = (await desk.ask("test", "u1", "Is ice slippery?")).answer
    assert await desk.section(stored.id, 0) == stored
    with pytest.raises(AnswerNotFound):
        await desk.section(stored.id, len(stored.sections))
    with pytest.raises(AnswerNotFound):
        await desk.section(GONE, 0)


async def test_once_draining_every_new_question_is_refused_with_the_same_words(
    desk: QuestionDesk,
) -> None:
    assert desk.refusal("Is ice slippery?", how_to_ask="QUESTION") is None
    assert desk.refusal("  ", how_to_ask="@factbot QUESTION") == usage("@factbot QUESTION")
    gate = asyncio.Event()
    under_way = desk.tasks.spawn(gate.wait())

    desk.stop_accepting()
    assert desk.refusal("Is ice slippery?", how_to_ask="QUESTION") == RESTARTING
    with pytest.raises(ShuttingDown):
        desk.admit()
    with pytest.raises(ShuttingDown):
        await desk.ask("test", "u1", "Is ice slippery?")
    gate.set()  # the answer under way goes on, and the drain waits for it
    assert await desk.drain(5) is True and under_way.done()


async def test_draining_stops_accepting(desk: QuestionDesk) -> None:
    assert await desk.drain(0) is True
    assert not desk.accepting
