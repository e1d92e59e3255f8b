"""Follow-ups in threads: the thread memory in Redis, questions made to stand on their own, and
the engine researching and caching a follow-up as it was understood."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import redis.asyncio as aioredis

from answers import Answer, AnswerEngine, MemoryStore, RedisStore, Understood
from answers.backends.corpus import CorpusBackend
from answers.cache import unpack_answer
from answers.question import normalise_question, question_hash
from answers.standalone import key_terms_standalone
from answers.threads import MAX_TURNS, ThreadMemory, thread_key
from tests.answers.fake_backend import ScriptedBackend, draft_for

DOCS = Path(__file__).resolve().parents[2] / "docs"
CLOCK = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)


# --- the thread memory --------------------------------------------------------------


async def test_a_thread_remembers_its_questions_with_the_answers_retention(
    redis_store: RedisStore, redis_client: aioredis.Redis, namespace: str
) -> None:
    memory = ThreadMemory(redis_store, retention=timedelta(days=2))
    assert await memory.earlier("slack", "T1:C1:100.1") == ()
    await memory.remember("slack", "T1:C1:100.1", ["How does factbot cache answers?"])
    assert await memory.earlier("slack", "T1:C1:100.1") == ("How does factbot cache answers?",)
    assert await memory.earlier("slack", "T1:C1:200.2") == ()  # another thread
    assert await memory.earlier("discord", "T1:C1:100.1") == ()  # another platform
    ttl = await redis_client.ttl(namespace + thread_key("slack", "T1:C1:100.1"))
    assert timedelta(days=2).total_seconds() - 5 < ttl <= timedelta(days=2).total_seconds()


async def test_a_thread_keeps_only_its_last_questions(redis_store: RedisStore) -> None:
    memory = ThreadMemory(redis_store)
    turns = [f"Question number {n}?" for n in range(MAX_TURNS + 4)]
    await memory.remember("slack", "thread", turns)
    assert await memory.earlier("slack", "thread") == tuple(turns[-MAX_TURNS:])


async def test_two_replicas_share_a_thread(
    redis_client: aioredis.Redis, namespace: str, redis_store: RedisStore
) -> None:
    first = ThreadMemory(RedisStore(redis_client, namespace=namespace))
    second = ThreadMemory(RedisStore(redis_client, namespace=namespace))
    await first.remember("discord", "report-1", ["What is BM25?"])
    assert await second.earlier("discord", "report-1") == ("What is BM25?",)


async def test_damaged_thread_context_reads_as_a_new_thread(
    redis_store: RedisStore, redis_client: aioredis.Redis, namespace: str
) -> None:
    key = namespace + thread_key("slack", "t")
    for damaged in (b"not json", b'{"a": 1}', b"[1, 2]"):
        await redis_client.set(key, damaged)
        assert await ThreadMemory(redis_store).earlier("slack", "t") == ()


# --- standing on its own without an LLM -----------------------------------------------


def test_a_follow_up_gets_the_earlier_questions_key_words() -> None:
    understood = key_terms_standalone("how long do they stay?", ["How does factbot cache answers?"])
    assert understood == Understood(
        question="how long do they stay?", terms=("factbot", "cache", "answers")
    )
    assert understood.text == "how long do they stay? (about factbot, cache, answers)"


def test_the_latest_earlier_question_gives_the_words() -> None:
    understood = key_terms_standalone(
        "and how long?", ["What is BM25?", "How does factbot cache answers?"]
    )
    assert understood is not None and understood.terms == ("factbot", "cache", "answers")


def test_a_question_that_names_its_topic_stands_alone() -> None:
    earlier = ["How does factbot cache answers?"]
    assert key_terms_standalone("Which Redis keys hold rate limits?", earlier) is None
    assert key_terms_standalone("anything?", []) is None
    # a word pointing back makes it a follow-up however long it is
    referring = key_terms_standalone("Which Redis keys hold them today?", earlier)
    assert referring is not None and "cache" in referring.terms


def test_words_the_follow_up_has_are_not_added_again() -> None:
    understood = key_terms_standalone("how long does the cache keep them?", ["cache answers?"])
    assert understood is not None and understood.terms == ("answers",)


# --- the engine -------------------------------------------------------------------------


def engine_on(store: RedisStore | MemoryStore, backend: ScriptedBackend) -> AnswerEngine:
    return AnswerEngine(backend, store, clock=lambda: CLOCK)


async def test_a_follow_up_is_researched_with_the_context_and_cached_as_understood(
    redis_store: RedisStore,
) -> None:
    backend = ScriptedBackend()
    engine = engine_on(redis_store, backend)
    earlier = ["How does factbot cache answers?"]
    outcome = await engine.ask_traced("how long do they stay?", earlier=earlier)
    assert backend.questions == ["how long do they stay?"]
    assert backend.extra_terms == [("factbot", "cache", "answers")]
    answer = outcome.answer
    assert answer.question == "how long do they stay?"
    assert answer.understood == Understood(
        question="how long do they stay?", terms=("factbot", "cache", "answers")
    )
    assert outcome.thread_turns == (
        "How does factbot cache answers?",
        "how long do they stay? (about factbot, cache, answers)",
    )
    # the cache key is the question as understood: the same follow-up in the same context hits
    again = await engine.ask_traced("How long do they stay", earlier=earlier)
    assert again.cache == "hit" and again.answer.id == answer.id
    # ... and the same words in another thread are another question
    other = await engine.ask_traced("how long do they stay?", earlier=["What is BM25?"])
    assert other.cache == "miss" and other.answer.id != answer.id
    alone = await engine.ask_traced("how long do they stay?")
    assert alone.cache == "miss" and alone.answer.understood is None
    assert backend.extra_terms[-1] == ()
    key = question_hash(normalise_question(answer.understood.text), namespace="scripted")
    assert (await engine.cache.lookup(key)) == answer


async def test_refreshing_a_follow_up_researches_what_was_understood(
    redis_store: RedisStore,
) -> None:
    backend = ScriptedBackend()
    engine = engine_on(redis_store, backend)
    first = await engine.ask_traced("how long?", earlier=["How does factbot cache answers?"])
    assert first.answer.understood is not None
    renewed = await engine.ask_traced(
        first.answer.question, refresh=True, understood=first.answer.understood
    )
    assert renewed.cache == "miss" and backend.runs == 2
    assert backend.extra_terms[-1] == ("factbot", "cache", "answers")
    assert renewed.answer.understood == first.answer.understood


async def test_an_answer_stored_before_follow_ups_existed_still_loads() -> None:
    answer = draft_for("old question").finalize(
        question="old question", question_key="k", checked_on=CLOCK, disclaimer="d"
    )
    stored = answer.model_dump(mode="json")
    del stored["understood"]
    old = Answer.model_validate(stored)
    assert old.understood is None and old.id == answer.id
    from answers.cache import pack_answer

    assert unpack_answer(pack_answer(old)) == old


class Writer:
    """A `StandaloneWriter` that rewrites like an LLM would, and counts its calls."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[str, ...]]] = []

    async def standalone(self, question: str, earlier: Sequence[str]) -> Understood | None:
        self.calls.append((question, tuple(earlier)))
        return Understood(question="How long does factbot keep cached answers?")


async def test_a_rewritten_follow_up_is_researched_as_rewritten(redis_store: RedisStore) -> None:
    backend = ScriptedBackend()
    writer = Writer()
    engine = AnswerEngine(backend, redis_store, clock=lambda: CLOCK, standalone=writer)
    outcome = await engine.ask_traced(
        "how long do they stay?", earlier=["How does factbot cache answers?"]
    )
    assert backend.questions == ["How long does factbot keep cached answers?"]
    assert backend.extra_terms == [()]
    assert outcome.answer.title == "how long do they stay?"
    assert outcome.answer.understood is not None
    assert outcome.answer.understood.text == "How long does factbot keep cached answers?"
    # asked directly, the rewritten question shares the cache entry
    direct = await engine.ask_traced("How long does factbot keep cached answers?")
    assert direct.cache == "hit"
    # a question with no thread costs no rewrite
    await engine.ask_traced("Something else entirely?")
    assert len(writer.calls) == 1


async def test_the_corpus_answers_a_follow_up_from_the_caching_page(tmp_path: Path) -> None:
    backend = CorpusBackend(DOCS, index_path=tmp_path / "docs.sqlite3")
    engine = AnswerEngine(backend, MemoryStore(), clock=lambda: CLOCK)
    try:
        first = await engine.ask_traced("How does factbot cache answers?")
        follow_up = await engine.ask_traced("how long do they stay?", earlier=first.thread_turns)
    finally:
        await engine.aclose()
    answer = follow_up.answer
    assert answer.sources and answer.sources[0].url == "docs/caching.md"
    assert answer.summary[0].cites == (1,) and "answer" in answer.summary[0].text
