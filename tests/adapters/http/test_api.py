"""The `/v1/` contract: answers in, answers out, and every bad request a JSON 4xx."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from adapters.http.adapter import API_PREFIX
from adapters.http.errors import error_middleware
from adapters.http.schema import AnswerResponse, StoredAnswerResponse
from adapters.wording import describe_error
from answers import (
    AnswerNotFound,
    EmptyQuestion,
    QuestionWithoutWords,
    RateLimited,
    RedisStore,
    ResearchFailed,
)
from answers.question import MAX_QUESTION_CHARS
from tests.adapters.http.conftest import FAILING_WORD, ApiRig, serve_api
from tests.answers.fake_backend import ScriptedBackend

QUESTION = "How does factbot cache answers?"
TOKEN = "s3cret-api-token-for-tests"


async def error_of(response: Any, status: int) -> dict[str, str]:
    """The `{"error": {...}}` body of a response that must have `status`."""
    assert response.status == status, await response.text()
    assert response.content_type == "application/json"
    body = await response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message"}
    assert body["error"]["message"]
    return dict(body["error"])


# --- answers ----------------------------------------------------------------------


async def test_ask_researches_once_then_serves_the_cache(api: ApiRig) -> None:
    first = await api.client.post("/v1/answers", json={"question": QUESTION})
    assert first.status == 200
    answered = AnswerResponse.model_validate_json(await first.text())
    assert answered.cache == "miss"
    assert answered.stale is False
    assert answered.question == QUESTION
    assert len(answered.sources) == 2 and len(answered.sections) == 3

    again = await api.client.post(
        "/v1/answers", json={"question": "how does FACTBOT cache answers"}
    )
    cached = AnswerResponse.model_validate_json(await again.text())
    assert cached.cache == "hit"
    assert cached.id == answered.id
    assert api.backend.questions == [QUESTION]


async def test_refresh_researches_again(api: ApiRig) -> None:
    await api.client.post("/v1/answers", json={"question": QUESTION})
    response = await api.client.post("/v1/answers", json={"question": QUESTION, "refresh": True})
    assert AnswerResponse.model_validate_json(await response.text()).cache == "miss"
    assert len(api.backend.questions) == 2


async def test_a_stored_answer_is_fetched_by_id(api: ApiRig) -> None:
    asked = await (await api.client.post("/v1/answers", json={"question": QUESTION})).json()

    response = await api.client.get(f"/v1/answers/{asked['id']}")
    assert response.status == 200
    stored = StoredAnswerResponse.model_validate_json(await response.text())
    assert stored.model_dump(mode="json") == {k: v for k, v in asked.items() if k != "cache"}


async def test_answers_keep_non_ascii_text(api: ApiRig) -> None:
    question = "Qu'est-ce qu'un « cache » ? 東京"
    response = await api.client.post("/v1/answers", json={"question": question})
    assert question in await response.text()  # not \u-escaped
    assert response.charset == "utf-8"


# --- bad requests -------------------------------------------------------------------


@pytest.mark.parametrize(
    "body", [b"", b"{", b"question=why", b'{"question": "a",}', b'{"question": "\\ud800"}', b"\xff"]
)
async def test_bad_json_is_400(api: ApiRig, body: bytes) -> None:
    response = await api.client.post(
        "/v1/answers", data=body, headers={"Content-Type": "application/json"}
    )
    assert (await error_of(response, 400))["code"] == "invalid_json"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"refresh": True},
        {"question": None},
        {"question": 42},
        {"question": ["why?"]},
        {"question": QUESTION, "refresh": "yes"},
        {"question": QUESTION, "refesh": True},
        [QUESTION],
        QUESTION,
    ],
)
async def test_a_body_of_the_wrong_shape_is_422(api: ApiRig, body: object) -> None:
    error = await error_of(await api.client.post("/v1/answers", json=body), 422)
    assert error["code"] == "invalid_request"
    assert '"question"' in error["message"]
    assert api.backend.questions == []


@pytest.mark.parametrize(
    ("question", "refusal"),
    [
        ("", EmptyQuestion()),
        ("   ", EmptyQuestion()),
        ("\n\t", EmptyQuestion()),
        ("\u202e\u200b\u0000", EmptyQuestion()),  # nothing visible
        ("???", QuestionWithoutWords()),
        ("🤔", QuestionWithoutWords()),
    ],
)
async def test_an_empty_question_is_422(api: ApiRig, question: str, refusal: EmptyQuestion) -> None:
    error = await error_of(await api.client.post("/v1/answers", json={"question": question}), 422)
    assert error == {"code": "empty_question", "message": describe_error(refusal)}


@pytest.mark.parametrize("length", [MAX_QUESTION_CHARS + 1, 200_000])
async def test_a_question_over_the_limit_is_422(api: ApiRig, length: int) -> None:
    response = await api.client.post("/v1/answers", json={"question": "why " * (length // 4 + 1)})
    error = await error_of(response, 422)
    assert error["code"] == "question_too_long"
    assert f"{MAX_QUESTION_CHARS:,}" in error["message"]
    assert api.backend.questions == []


async def test_a_body_over_the_server_limit_is_413(redis_store: RedisStore) -> None:
    async with serve_api(redis_store, client_max_size=4096) as rig:
        response = await rig.client.post("/v1/answers", json={"question": "x" * 10_000})
        assert (await error_of(response, 413))["code"] == "payload_too_large"


@pytest.mark.parametrize(
    "answer_id",
    [
        "0123456789abcdef",
        "nope",
        "0123456789ABCDEF",
        "a" * 64,
        "..%2F..%2Fetc",
        "%00",
        "%F0%9F%98%80",
    ],
)
async def test_an_unknown_id_is_404(api: ApiRig, answer_id: str) -> None:
    error = await error_of(await api.client.get(f"/v1/answers/{answer_id}"), 404)
    assert error == {
        "code": "answer_not_found",
        "message": describe_error(AnswerNotFound(answer_id)),
    }


async def test_unknown_paths_and_methods_under_v1_get_json_errors(api: ApiRig) -> None:
    assert (await error_of(await api.client.get("/v1/questions"), 404))["code"] == "not_found"
    wrong_method = await api.client.get("/v1/answers")
    assert (await error_of(wrong_method, 405))["code"] == "method_not_allowed"
    assert wrong_method.headers["Allow"] == "POST"
    deleted = await api.client.delete("/v1/answers/0123456789abcdef")
    assert (await error_of(deleted, 405))["code"] == "method_not_allowed"


# --- failures of the engine ---------------------------------------------------------


async def test_failed_research_is_502_and_not_cached(api: ApiRig) -> None:
    question = f"Will the server {FAILING_WORD}?"
    for _ in range(2):
        response = await api.client.post("/v1/answers", json={"question": question})
        error = await error_of(response, 502)
        assert error == {"code": "research_failed", "message": describe_error(ResearchFailed())}
    assert api.backend.questions == [question, question]


async def test_asking_too_often_is_429_with_retry_after(redis_store: RedisStore) -> None:
    async with serve_api(redis_store, per_minute=2) as rig:
        for _ in range(2):
            ok = await rig.client.post("/v1/answers", json={"question": QUESTION})
            assert ok.status == 200
        response = await rig.client.post("/v1/answers", json={"question": QUESTION})
        error = await error_of(response, 429)
        retry_after = int(response.headers["Retry-After"])
        assert 1 <= retry_after <= 60
        assert error["code"] == "rate_limited"
        assert error["message"] == describe_error(RateLimited(retry_after))


async def test_a_drained_api_refuses_new_questions_but_serves_stored_answers(
    api: ApiRig,
) -> None:
    asked = await (await api.client.post("/v1/answers", json={"question": QUESTION})).json()
    await api.adapter.drain()

    response = await api.client.post("/v1/answers", json={"question": "Another question"})
    assert (await error_of(response, 503))["code"] == "shutting_down"
    assert int(response.headers["Retry-After"]) >= 1
    assert (await api.client.get(f"/v1/answers/{asked['id']}")).status == 200


async def test_an_unexpected_error_is_a_logged_json_500(caplog: pytest.LogCaptureFixture) -> None:
    async def broken(request: web.Request) -> web.Response:
        raise ValueError("a bug")

    api = web.Application(middlewares=[error_middleware])
    api.router.add_get("/broken", broken)
    app = web.Application()
    app.add_subapp(API_PREFIX, api)
    with caplog.at_level(logging.ERROR, logger="adapters.http.errors"):
        async with TestClient(TestServer(app)) as client:
            error = await error_of(await client.get("/v1/broken"), 500)
    assert error == {"code": "internal_error", "message": describe_error(ValueError())}
    assert any(record.exc_info for record in caplog.records)


# --- the bearer token -----------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        f"Basic {TOKEN}",
        f"Bearer {TOKEN}x",
        f"Bearer {TOKEN[:-1]}",
        "Bearer wrong",
        f"Bearer  {TOKEN} extra",
    ],
)
async def test_v1_needs_the_bearer_token_when_one_is_set(
    redis_store: RedisStore, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    async with serve_api(redis_store, api_token=TOKEN) as rig:
        for response in (
            await rig.client.post("/v1/answers", json={"question": QUESTION}, headers=headers),
            await rig.client.get("/v1/answers/0123456789abcdef", headers=headers),
        ):
            assert (await error_of(response, 401))["code"] == "unauthorized"
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert rig.backend.questions == []


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER"])
async def test_the_right_token_is_let_in(redis_store: RedisStore, scheme: str) -> None:
    async with serve_api(redis_store, api_token=TOKEN) as rig:
        response = await rig.client.post(
            "/v1/answers",
            json={"question": QUESTION},
            headers={"Authorization": f"{scheme} {TOKEN}"},
        )
        assert response.status == 200


async def test_health_metrics_and_openapi_stay_open_with_a_token(redis_store: RedisStore) -> None:
    async with serve_api(redis_store, api_token=TOKEN) as rig:
        for path in ("/healthz", "/metrics", "/openapi.json"):
            assert (await rig.client.get(path)).status == 200, path


async def test_an_empty_token_setting_means_no_token(redis_store: RedisStore) -> None:
    async with serve_api(redis_store, api_token="") as rig:
        response = await rig.client.post("/v1/answers", json={"question": QUESTION})
        assert response.status == 200


# --- answers under way ----------------------------------------------------------------


async def test_shutdown_waits_for_an_answer_under_way(redis_store: RedisStore) -> None:
    backend = ScriptedBackend(gate=asyncio.Event())
    async with serve_api(redis_store, backend=backend) as rig:
        asking = asyncio.create_task(rig.client.post("/v1/answers", json={"question": QUESTION}))
        await backend.entered.wait()
        draining = asyncio.create_task(rig.desk.tasks.drain(30))
        await rig.adapter.drain()
        assert backend.gate is not None
        backend.gate.set()
        assert await draining is True
        response = await asking
        assert response.status == 200
        assert (await response.json())["cache"] == "miss"


async def test_a_caller_hanging_up_does_not_waste_the_research(redis_store: RedisStore) -> None:
    backend = ScriptedBackend(gate=asyncio.Event())
    async with serve_api(redis_store, backend=backend) as rig:
        asking = asyncio.create_task(rig.client.post("/v1/answers", json={"question": QUESTION}))
        await backend.entered.wait()
        asking.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asking
        assert backend.gate is not None
        backend.gate.set()
        assert await rig.desk.tasks.drain(30) is True  # the research went on and finished

        later = await rig.desk.ask("console", "someone", QUESTION)
        assert later.cache == "hit"
        assert backend.questions == [QUESTION]


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None],
)
async def test_a_body_not_sent_as_json_is_415_and_researches_nothing(
    api: ApiRig, content_type: str | None
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    body = b'{"question": "Does a page on another site get to ask?"}'
    response = await api.client.post("/v1/answers", data=body, headers=headers)
    assert (await error_of(response, 415))["code"] == "unsupported_media_type"
    assert api.backend.questions == []


async def test_json_with_a_charset_or_a_json_suffix_is_accepted(api: ApiRig) -> None:
    for content_type in ("application/json; charset=utf-8", "application/problem+json"):
        response = await api.client.post(
            "/v1/answers", data=b'{"question": "q?"}', headers={"Content-Type": content_type}
        )
        assert response.status == 200, content_type
