"""The desk's platform-free rules: channel admission, "answer every question", one answer per
message, and threads shared by replicas."""

from __future__ import annotations

import asyncio

import pytest
import redis.asyncio as aioredis

from adapters.channels import Trigger
from adapters.desk import QuestionDesk
from adapters.wording import describe_error
from answers import AnswerEngine, ChannelDisabled, RedisStore
from answers.channels import ChannelScope
from tests.answers.fake_backend import ScriptedBackend

SCOPE = ChannelScope("slack", "T1", "C1")


def desk_on(store: RedisStore, **backends: ScriptedBackend) -> QuestionDesk:
    default = ScriptedBackend()
    engine = AnswerEngine(default, store, backends={"corpus": default, **backends})
    return QuestionDesk.over(engine, store, channel_per_minute=2)


async def test_a_dm_is_always_admitted(redis_store: RedisStore) -> None:
    admission = await desk_on(redis_store).channels.admission(None, Trigger.REACTION)
    assert admission.is_admitted and not admission.private


async def test_a_disabled_channel_tells_explicit_askers_and_ignores_the_rest(
    redis_store: RedisStore,
) -> None:
    desk = desk_on(redis_store)
    await desk.channels.change_settings(SCOPE, {"enabled": False})
    for trigger in (Trigger.COMMAND, Trigger.MENTION, Trigger.CLICK):
        admission = await desk.channels.admission(SCOPE, trigger)
        assert not admission.is_admitted and admission.notice == describe_error(ChannelDisabled())
    for trigger in (Trigger.REACTION, Trigger.EVERY_QUESTION):
        admission = await desk.channels.admission(SCOPE, trigger)
        assert not admission.is_admitted and admission.notice is None
    other = await desk.channels.admission(ChannelScope("slack", "T1", "C2"), Trigger.MENTION)
    assert other.is_admitted


async def test_private_and_backend_come_from_the_settings(redis_store: RedisStore) -> None:
    research = ScriptedBackend(cache_namespace="research")
    desk = desk_on(redis_store, research=research)
    assert desk.channels.backend_names == ("corpus", "research")
    await desk.channels.change_settings(SCOPE, {"private": True, "backend": "research"})
    admission = await desk.channels.admission(SCOPE, Trigger.COMMAND)
    assert admission.private and admission.backend == "research"
    await desk.ask("slack", "U1", "What is BM25?", backend=admission.backend)
    assert research.questions == ["What is BM25?"]
    with pytest.raises(ValueError, match="no backend named 'web'"):
        await desk.channels.change_settings(SCOPE, {"backend": "web"})


async def test_every_question_answers_a_question_once_and_ignores_the_rest(
    redis_store: RedisStore,
) -> None:
    desk = desk_on(redis_store)
    assert not (
        await desk.channels.every_question(SCOPE, "C1:1.1", "Is BM25 a ranking function?")
    ).is_admitted
    await desk.channels.change_settings(SCOPE, {"every_question": True})
    assert (
        await desk.channels.every_question(SCOPE, "C1:1.1", "Is BM25 a ranking function? ")
    ).is_admitted
    assert not (
        await desk.channels.every_question(SCOPE, "C1:1.1", "Is BM25 a ranking function?")
    ).is_admitted
    assert not (
        await desk.channels.every_question(SCOPE, "C1:1.2", "BM25 is a ranking function.")
    ).is_admitted
    assert not (await desk.channels.every_question(SCOPE, "C1:1.3", "???")).is_admitted
    # the channel's rate limit (2 a minute here): the third question is left alone
    assert (await desk.channels.every_question(SCOPE, "C1:1.4", "What is a stemmer?")).is_admitted
    assert not (await desk.channels.every_question(SCOPE, "C1:1.5", "What is a token?")).is_admitted


async def test_one_claim_per_message_however_many_react(redis_store: RedisStore) -> None:
    desk = desk_on(redis_store)
    claims = await asyncio.gather(
        *(desk.channels.claim_message("slack", "C1:9.9") for _ in range(5))
    )
    assert sorted(claims) == [False, False, False, False, True]


async def test_a_thread_continues_on_another_replica(
    redis_client: aioredis.Redis, namespace: str, redis_store: RedisStore
) -> None:
    backend = ScriptedBackend()
    one = QuestionDesk.over(AnswerEngine(backend, redis_store), redis_store)
    other_store = RedisStore(redis_client, namespace=namespace)
    two = QuestionDesk.over(AnswerEngine(backend, other_store), other_store)
    first = await one.ask("slack", "U1", "How does factbot cache answers?", thread="T1:C1:5.5")
    await one.continue_thread("slack", "T1:C1:5.5", first)
    follow_up = await two.ask("slack", "U2", "how long do they stay?", thread="T1:C1:5.5")
    assert follow_up.earlier == ("How does factbot cache answers?",)
    assert backend.extra_terms[-1] == ("factbot", "cache", "answers")
    # a clicked follow-up is a turn of the thread, asked as written
    await two.continue_thread("slack", "T1:C1:5.5", follow_up)
    clicked = await one.ask(
        "slack", "U1", "What is a q: key?", thread="T1:C1:5.5", is_standalone=True
    )
    assert clicked.understood is None and backend.extra_terms[-1] == ()
    await one.continue_thread("slack", "T1:C1:5.5", clicked)
    assert await two.threads.earlier("slack", "T1:C1:5.5") == (
        "How does factbot cache answers?",
        "how long do they stay? (about factbot, cache, answers)",
        "What is a q: key?",
    )


async def test_refresh_renews_a_follow_up_as_understood(redis_store: RedisStore) -> None:
    backend = ScriptedBackend()
    desk = QuestionDesk.over(AnswerEngine(backend, redis_store), redis_store)
    first = await desk.ask("slack", "U1", "Cache?")
    await desk.continue_thread("slack", "t", first)
    follow_up = await desk.ask("slack", "U1", "how long?", thread="t")
    renewed = await desk.refresh("slack", "U1", follow_up.answer.id)
    assert renewed.cache == "miss" and backend.extra_terms[-1] == ("cache",)
    assert renewed.answer.understood == follow_up.answer.understood
