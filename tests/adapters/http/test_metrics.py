"""`/metrics` moves as questions arrive, from the API and from any other platform."""

from __future__ import annotations

import asyncio

from prometheus_client.parser import text_string_to_metric_families

from answers import RedisStore
from tests.adapters.http.conftest import FAILING_WORD, ApiRig, serve_api
from tests.answers.fake_backend import ScriptedBackend

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


async def scrape(rig: ApiRig) -> Samples:
    response = await rig.client.get("/metrics")
    assert response.status == 200
    assert response.content_type == "text/plain"
    samples: Samples = {}
    for family in text_string_to_metric_families(await response.text()):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def test_metrics_count_questions_cache_results_durations_and_errors(api: ApiRig) -> None:
    before = await scrape(api)
    assert value(before, "factbot_questions_total", platform="api") == 0
    assert value(before, "factbot_answers_in_flight") == 0

    ask = api.client.post
    await ask("/v1/answers", json={"question": "What is a cache?"})  # miss
    await ask("/v1/answers", json={"question": "what is a cache"})  # hit
    await ask("/v1/answers", json={"question": "What is a cache?", "refresh": True})  # miss
    await ask("/v1/answers", json={"question": "  "})  # empty
    await ask("/v1/answers", json={"question": f"Does it {FAILING_WORD}?"})  # research fails
    await ask("/v1/answers", data=b"{")  # refused before the desk: not a question
    # A question from another platform goes through the same desk and the same counters.
    await api.desk.ask("slack", "U1", "What is a cache?")

    after = await scrape(api)
    assert value(after, "factbot_questions_total", platform="api") == 5
    assert value(after, "factbot_questions_total", platform="slack") == 1
    assert value(after, "factbot_answers_total", platform="api", cache="miss") == 2
    assert value(after, "factbot_answers_total", platform="api", cache="hit") == 1
    assert value(after, "factbot_answers_total", platform="slack", cache="hit") == 1
    assert value(after, "factbot_research_seconds_count") == 2
    assert value(after, "factbot_research_seconds_bucket", le="+Inf") == 2
    assert value(after, "factbot_research_seconds_sum") > 0
    question_errors = {"platform": "api", "stage": "question", "type": "EmptyQuestion"}
    assert value(after, "factbot_errors_total", **question_errors) == 1
    research_errors = {"platform": "api", "stage": "research", "type": "RuntimeError"}
    assert value(after, "factbot_errors_total", **research_errors) == 1
    assert value(after, "factbot_answers_in_flight") == 0
    assert value(after, "factbot_background_tasks") == 0


async def test_the_in_flight_gauge_reads_the_engine(redis_store: RedisStore) -> None:
    backend = ScriptedBackend(gate=asyncio.Event())
    async with serve_api(redis_store, backend=backend) as rig:
        asking = asyncio.create_task(
            rig.client.post("/v1/answers", json={"question": "Slow question?"})
        )
        await backend.entered.wait()
        during = await scrape(rig)
        assert value(during, "factbot_answers_in_flight") == 1
        assert value(during, "factbot_background_tasks") == 1

        assert backend.gate is not None
        backend.gate.set()
        assert (await asking).status == 200
        assert value(await scrape(rig), "factbot_answers_in_flight") == 0


async def test_two_metrics_objects_do_not_share_a_registry(redis_store: RedisStore) -> None:
    async with serve_api(redis_store) as one, serve_api(redis_store) as two:
        await one.client.post("/v1/answers", json={"question": "Only here?"})
        assert value(await scrape(one), "factbot_questions_total", platform="api") == 1
        assert value(await scrape(two), "factbot_questions_total", platform="api") == 0


async def test_openmetrics_is_served_when_asked_for(api: ApiRig) -> None:
    response = await api.client.get(
        "/metrics", headers={"Accept": "application/openmetrics-text; version=1.0.0"}
    )
    assert response.status == 200
    assert response.content_type == "application/openmetrics-text"
    assert (await response.text()).rstrip().endswith("# EOF")
