"""Follow-ups rewritten by the LLM: one short call through the real client to a fake
OpenAI-compatible server; the key-words fallback when the model fails."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from answers import AnswerEngine, RedisStore, Understood
from answers.backends.research.llm import STANDALONE_SCHEMA
from answers.backends.research.standalone import LLMStandalone
from tests.answers.backends.research.fakes import FakeLLM, chat_response, llm_writer, running_llm
from tests.answers.fake_backend import ScriptedBackend

EARLIER = ["How does factbot cache answers?"]


def rewrite_to(question: str) -> Any:
    async def step(body: dict[str, Any]) -> web.StreamResponse:
        return chat_response(json.dumps({"question": question}), prompt_tokens=80)

    return step


async def test_one_call_rewrites_a_follow_up_sent_as_data() -> None:
    async with running_llm(rewrite_to("How long does factbot keep cached answers?")) as (
        fake,
        url,
    ):
        writer = llm_writer(url)
        standalone = LLMStandalone(writer)
        try:
            understood = await standalone.standalone("how long do they stay?", EARLIER)
        finally:
            await writer.aclose()
    assert understood == Understood(question="How long does factbot keep cached answers?")
    assert standalone.calls == 1 and len(fake.requests) == 1
    request = fake.requests[0]
    assert request["response_format"]["json_schema"]["schema"] == STANDALONE_SCHEMA
    sent = json.loads(request["messages"][-1]["content"])
    assert sent == {"earlier": EARLIER, "question": "how long do they stay?"}


async def test_no_thread_no_call_and_an_unchanged_question_stands_alone() -> None:
    async with running_llm(rewrite_to("What is BM25?")) as (fake, url):
        writer = llm_writer(url)
        standalone = LLMStandalone(writer)
        try:
            assert await standalone.standalone("What is BM25?", []) is None
            assert fake.requests == []
            assert await standalone.standalone("what is bm25", ["Other?"]) is None
        finally:
            await writer.aclose()


async def test_a_failing_or_rambling_model_falls_back_to_key_words() -> None:
    rambling = rewrite_to("They stay for 30 days. " * 40)
    async with running_llm(FakeLLM.server_error, rambling) as (_fake, url):
        writer = llm_writer(url)
        standalone = LLMStandalone(writer)
        try:
            down = await standalone.standalone("how long do they stay?", EARLIER)
            rambled = await standalone.standalone("how long do they stay?", EARLIER)
        finally:
            await writer.aclose()
    fallback = Understood(question="how long do they stay?", terms=("factbot", "cache", "answers"))
    assert down == fallback and rambled == fallback


async def test_the_engine_keys_the_follow_up_on_the_rewrite(redis_store: RedisStore) -> None:
    async with running_llm(rewrite_to("How long does factbot keep cached answers?")) as (
        fake,
        url,
    ):
        writer = llm_writer(url)
        backend = ScriptedBackend()
        engine = AnswerEngine(backend, redis_store, standalone=LLMStandalone(writer))
        try:
            follow_up = await engine.ask_traced("how long do they stay?", earlier=EARLIER)
            direct = await engine.ask_traced("How long does factbot keep cached answers?")
        finally:
            await writer.aclose()
    assert backend.questions == ["How long does factbot keep cached answers?"]
    assert follow_up.answer.understood is not None
    assert direct.cache == "hit" and len(fake.requests) == 1
