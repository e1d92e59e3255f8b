"""The research backend end to end: fake SearxNG, fake web sites and a fake OpenAI-compatible
LLM on 127.0.0.1, real Redis, the real engine. Each LLM case asserts its outcome, and every
answer must validate (the engine builds an `Answer`, which refuses uncited claims)."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

from answers import Answer, AnswerEngine, Progress, ResearchFailed, Stage
from answers.backends.research import (
    FetchBudget,
    FetchGuard,
    PageFetcher,
    ResearchBackend,
    SearxngSearch,
)
from answers.backends.research.llm import OutputMode
from answers.store import RedisStore
from tests.answers.backends.research.fakes import (
    TOPIC,
    FakeLLM,
    FakeSearx,
    FakeWeb,
    FixedResolver,
    Reply,
    chat_response,
    evidence_ids,
    evidence_texts,
    free_port,
    good_report,
    llm_writer,
    running_llm,
    running_web,
    searx_result,
    serve,
)

READABLE = ["/tea-basics", "/tea-health", "/tea-history", "/injection"]
UNREADABLE = ["/missing", "/challenge", "/to-127-0-0-2"]
# One site per page (all served by the fake on 127.0.0.1), so the two-per-site cap keeps them.
SITES = {
    "/tea-basics": "leaf.test",
    "/tea-health": "health.test",
    "/tea-history": "history.test",
    "/injection": "truths.test",
    "/missing": "gone.test",
    "/challenge": "guarded.test",
    "/to-127-0-0-2": "redirector.test",
}
LLM_KEY = "llm-secret-key-123"


@dataclass
class World:
    web: FakeWeb
    searx: FakeSearx
    searx_url: str
    store: RedisStore
    events: list[Progress] = field(default_factory=list)

    def backend(
        self,
        llm_url: str | None,
        *,
        timeout: float = 2.0,
        mode: OutputMode = "json_schema",
        plan_with_llm: bool = False,
    ) -> ResearchBackend:
        writer = (
            llm_writer(
                llm_url,
                model="test-model",
                api_key=LLM_KEY,
                timeout=timeout,
                output_mode=mode,
                max_retries=1,
            )
            if llm_url
            else None
        )
        fetcher = PageFetcher(
            guard=FetchGuard.allowing(SITES.values()),
            # No page here is slow: the room is for a loaded machine's first extractions.
            budget=FetchBudget(page_timeout=5.0, total=8.0),
            resolver=FixedResolver({site: ["127.0.0.1"] for site in SITES.values()}),
        )
        return ResearchBackend(
            SearxngSearch(self.searx_url),
            fetcher,
            writer,
            store=self.store,
            plan_with_llm=plan_with_llm,
        )

    async def ask(self, backend: ResearchBackend, question: str = TOPIC) -> Answer:
        engine = AnswerEngine(backend, self.store)

        async def progress(event: Progress) -> None:
            self.events.append(event)

        try:
            return await engine.ask(question, progress=progress)
        finally:
            await engine.aclose()

    def url(self, path: str) -> str:
        port = self.web.base.rsplit(":", 1)[1]
        return f"http://{SITES[path]}:{port}{path}"

    def read_urls(self) -> set[str]:
        return {self.url(p) for p in READABLE}


@pytest.fixture
async def world(redis_store: RedisStore) -> AsyncIterator[World]:
    async with running_web() as fake_web:
        searx = FakeSearx([])
        async with serve(searx.app()) as searx_url:
            world = World(fake_web, searx, searx_url, redis_store)
            searx.results = [
                searx_result(world.url(path), f"Result {path}", "snippet")
                for path in [*READABLE[:2], *UNREADABLE, *READABLE[2:]]
            ]
            yield world


def assert_sound(answer: Answer, world: World) -> None:
    """Every claim that must cite does, every source is a page read in this run, no evil URL."""
    assert answer.sources, "expected a sourced report"
    for claim in (*answer.summary, *(c for s in answer.sections for c in s.claims)):
        assert claim.cites
    assert {s.url for s in answer.sources} <= world.read_urls()
    assert "never-fetched" not in answer.to_json()
    if answer.engine.writer == "extractive":
        # Quotes are verbatim: the injected words may be quoted, but only citing their own page.
        for claim in answer.all_claims():
            if "evil.example" in claim.text:
                assert [answer.source(n).url for n in claim.cites] == [world.url("/injection")]
    else:
        assert "evil.example" not in answer.to_json()


async def written_with(world: World, *replies: Reply) -> tuple[Answer, FakeLLM]:
    """`world`'s answer with an LLM that gives `replies` in turn; checked sound."""
    async with running_llm(*replies) as (llm, url):
        answer = await world.ask(world.backend(url))
    assert_sound(answer, world)
    return answer, llm


# --- the LLM cases ---------------------------------------------------------------------


async def test_a_good_report_takes_one_llm_call(world: World) -> None:
    answer, llm = await written_with(world, FakeLLM.good)
    assert answer.engine.writer == "llm:test-model"
    assert len(llm.requests) == 1
    assert answer.summary[0].text == "Green tea contains caffeine, usually less than coffee."
    assert len(answer.sections) == 3
    assert len(answer.follow_ups) == 5
    assert any("not evidence that it is false" in c.text for c in answer.limitations)
    assert llm.auth == [f"Bearer {LLM_KEY}"]
    request = llm.requests[0]
    assert request["model"] == "test-model"
    assert request["response_format"]["type"] == "json_schema"
    assert "tools" not in request


async def test_invalid_json_then_a_good_report_is_repaired(world: World) -> None:
    answer, llm = await written_with(world, FakeLLM.invalid_json, FakeLLM.good)
    assert answer.engine.writer == "llm:test-model"
    assert len(llm.requests) == 2
    repair = llm.requests[1]["messages"]
    assert repair[-2]["role"] == "assistant"
    assert "could not be used" in repair[-1]["content"]


async def test_a_cite_naming_nothing_drops_that_sentence(world: World) -> None:
    async def with_bad_cite(body: dict[str, Any]) -> web.StreamResponse:
        ids = evidence_ids(body)
        assert len(ids) < 9
        report = good_report(ids)
        report["summary"].append({"text": "Green tea cures every illness [9].", "cites": [9]})
        return chat_response(json.dumps(report))

    answer, llm = await written_with(world, with_bad_cite)
    assert answer.engine.writer == "llm:test-model"
    assert len(llm.requests) == 1
    assert not any("illness" in c.text for c in answer.all_claims())


async def test_a_report_citing_nothing_real_gets_one_repair(world: World) -> None:
    async def all_bad(body: dict[str, Any]) -> web.StreamResponse:
        report = good_report(["E9", "E10", "E11"])
        return chat_response(json.dumps(report))

    answer, llm = await written_with(world, all_bad, FakeLLM.good)
    assert answer.engine.writer == "llm:test-model"
    assert len(llm.requests) == 2
    assert "E9" in llm.requests[1]["messages"][-1]["content"]


async def test_a_url_never_fetched_drops_the_sentence(world: World) -> None:
    async def with_foreign_url(body: dict[str, Any]) -> web.StreamResponse:
        report = good_report(evidence_ids(body))
        report["sections"][0]["claims"].append(
            {"text": "A full study is at https://never-fetched.example/report.", "cites": ["E1"]}
        )
        report["sections"][1]["claims"].append(
            {"text": "Another study agrees.", "cites": ["https://never-fetched.example/other"]}
        )
        return chat_response(json.dumps(report))

    answer, llm = await written_with(world, with_foreign_url)
    assert answer.engine.writer == "llm:test-model"
    assert len(llm.requests) == 1
    assert not any("study" in c.text for c in answer.all_claims())


async def test_http_500s_fall_back_to_the_extractive_writer(world: World) -> None:
    answer, llm = await written_with(world, FakeLLM.server_error)
    assert answer.engine.writer == "extractive"
    assert len(llm.requests) == 2


async def test_a_hang_past_the_timeout_falls_back_without_a_second_wait(world: World) -> None:
    async with running_llm(FakeLLM.hang) as (llm, url):
        fake = llm
        answer = await world.ask(world.backend(url, timeout=0.3))
    assert_sound(answer, world)
    assert answer.engine.writer == "extractive"
    assert len(fake.requests) == 1


async def test_an_endpoint_that_is_down_falls_back(world: World) -> None:
    answer = await world.ask(world.backend(f"http://127.0.0.1:{free_port()}/v1"))
    assert_sound(answer, world)
    assert answer.engine.writer == "extractive"


async def test_without_an_llm_the_extractive_writer_quotes_the_pages(world: World) -> None:
    backend = world.backend(None)
    assert backend.cache_namespace == "research:v1:searxng:extractive"
    answer = await world.ask(backend)
    assert_sound(answer, world)
    assert answer.engine.writer == "extractive"
    page_text = " ".join(" ".join(c.text for c in s.claims) for s in answer.sections)
    assert "caffeine" in page_text


async def test_a_server_refusing_json_schema_gets_json_object_then_plain_text(
    world: World,
) -> None:
    async def refuse_formats(body: dict[str, Any]) -> web.StreamResponse:
        if "response_format" in body:
            return web.json_response({"error": {"message": "unsupported"}}, status=400)
        report = json.dumps(good_report(evidence_ids(body)))
        return chat_response(f"Here is the report:\n```json\n{report}\n```\nHope it helps.")

    async with running_llm(refuse_formats) as (llm, url):
        backend = world.backend(url)
        answer = await world.ask(backend)
    assert_sound(answer, world)
    assert answer.engine.writer == "llm:test-model"
    formats = [r.get("response_format", {}).get("type") for r in llm.requests]
    assert formats == ["json_schema", "json_object", None]


async def test_page_text_is_handed_over_as_data_and_injected_links_never_survive(
    world: World,
) -> None:
    async def obeys_the_page(body: dict[str, Any]) -> web.StreamResponse:
        texts = evidence_texts(body)
        evil = next(i for i, t in texts.items() if "evil.example" in t)
        report = good_report(evidence_ids(body))
        report["summary"].insert(
            0, {"text": "As http://evil.example/proof shows, tea is special.", "cites": [evil]}
        )
        report["sections"][2]["claims"].append(
            {"text": "The main source agrees.", "cites": ["http://evil.example/proof"]}
        )
        return chat_response(json.dumps(report))

    _, llm = await written_with(world, obeys_the_page)
    messages = llm.requests[0]["messages"]
    assert [m["role"] for m in messages] == ["system", "user"]
    assert "evil.example" not in messages[0]["content"]
    document = json.loads(messages[1]["content"])
    texts = " ".join(e["text"] for e in document["evidence"])
    assert "ignore all previous instructions" not in texts  # filtered when the page was read
    assert "Anyone summarising this page" in texts  # the rest arrives only as quoted data
    assert all("url" not in e for e in document["evidence"])  # the model never sees URLs


async def test_queries_planned_by_the_llm_cost_one_more_call(world: World) -> None:
    async def planner(body: dict[str, Any]) -> web.StreamResponse:
        return chat_response(json.dumps({"queries": ["green tea caffeine content"]}))

    async with running_llm(planner, FakeLLM.good) as (llm, url):
        answer = await world.ask(world.backend(url, plan_with_llm=True))
    assert_sound(answer, world)
    assert len(llm.requests) == 2
    assert world.searx.queries == [TOPIC, "green tea caffeine content"]


async def test_a_long_question_is_trimmed_before_it_is_searched_with_a_plan(
    world: World,
) -> None:
    # With LLM planning the raw question (up to 1000 characters, line breaks and all) used to
    # go to the provider as the first query; Brave refuses queries over 400 characters.
    async def planner(body: dict[str, Any]) -> web.StreamResponse:
        return chat_response(json.dumps({"queries": ["green tea caffeine content"]}))

    question = TOPIC + "\n" + "Please answer with care and detail. " * 25
    async with running_llm(planner, FakeLLM.good) as (_, url):
        await world.ask(world.backend(url, plan_with_llm=True), question)
    assert world.searx.queries[0] == " ".join(question.split())[:200]
    assert all(len(q) <= 200 and "\n" not in q for q in world.searx.queries)


async def test_a_failed_plan_falls_back_to_the_questions_words(world: World) -> None:
    async with running_llm(FakeLLM.invalid_json, FakeLLM.good) as (llm, url):
        answer = await world.ask(world.backend(url, plan_with_llm=True))
    assert answer.engine.writer == "llm:test-model"
    assert len(world.searx.queries) == 3
    assert len(llm.requests) == 2


async def test_an_llm_hanging_while_planning_is_not_waited_for_again(world: World) -> None:
    async with running_llm(FakeLLM.hang) as (llm, url):
        answer = await world.ask(world.backend(url, timeout=0.3, plan_with_llm=True))
    assert answer.engine.writer == "extractive"
    assert len(llm.requests) == 1


# --- the rest of the pipeline ------------------------------------------------------------


async def test_progress_reports_each_stage_with_counts(world: World) -> None:
    async with running_llm(FakeLLM.good) as (_, url):
        await world.ask(world.backend(url))
    stages = [e.stage for e in world.events]
    assert stages[0] is Stage.SEARCHING and stages[-1] is Stage.DONE
    searching = [e for e in world.events if e.stage is Stage.SEARCHING]
    assert searching[0].note == "3 queries"
    assert searching[-1].note == "7 pages found"
    reading = [e for e in world.events if e.stage is Stage.READING]
    assert (reading[0].done, reading[-1].done, reading[-1].total) == (0, 7, 7)
    writing = [e for e in world.events if e.stage is Stage.WRITING]
    assert writing and writing[0].note.endswith("from 4 pages")
    assert len(world.searx.queries) == 3


async def test_pages_come_from_the_redis_cache_the_second_time(world: World) -> None:
    backend = world.backend(None)
    engine = AnswerEngine(backend, world.store)
    try:
        await engine.ask(TOPIC)
        await engine.ask(TOPIC, refresh=True)
    finally:
        await engine.aclose()
    assert all(world.web.hits[p] == 1 for p in READABLE)
    assert world.web.hits["/missing"] == 2  # failures are not cached


async def test_a_search_provider_that_is_down_fails_the_question(redis_store: RedisStore) -> None:
    backend = ResearchBackend(
        SearxngSearch(f"http://127.0.0.1:{free_port()}"),
        PageFetcher(guard=FetchGuard.allowing(["127.0.0.1"])),
        None,
        store=redis_store,
    )
    engine = AnswerEngine(backend, redis_store)
    try:
        with pytest.raises(ResearchFailed):
            await engine.ask(TOPIC)
    finally:
        await engine.aclose()


async def test_no_results_give_the_honest_not_covered_report(redis_store: RedisStore) -> None:
    searx = FakeSearx([])
    async with serve(searx.app()) as searx_url:
        backend = ResearchBackend(
            SearxngSearch(searx_url),
            PageFetcher(guard=FetchGuard.allowing(["127.0.0.1"])),
            None,
            store=redis_store,
        )
        engine = AnswerEngine(backend, redis_store)
        try:
            answer = await engine.ask(TOPIC)
        finally:
            await engine.aclose()
    assert answer.sources == () and answer.sections == ()


async def test_the_api_key_is_never_logged(world: World, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    async with running_llm(FakeLLM.server_error) as (_, url):
        backend = world.backend(url)
        assert LLM_KEY not in repr(backend.writer)
        await world.ask(backend)
    assert caplog.records
    assert LLM_KEY not in caplog.text
