"""The LLM writer's wire details: URLs, JSON recovery, query planning, errors."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from aiohttp import web

from answers.backends.research.llm import (
    QUERIES_SCHEMA,
    REPORT_SCHEMA,
    LLMBadOutput,
    LLMError,
    LLMUnavailable,
    WrittenClaim,
    WrittenReport,
    WrittenSection,
    api_base_url,
    chat_completions_url,
    evidence_document,
    extract_json,
)
from answers.backends.research.llm.client import MAX_REPLY_BYTES
from answers.backends.research.llm.schema import ClaimShape, ReportShape, SectionShape
from answers.evidence import Passage
from answers.model import DraftSource
from tests.answers.backends.research.fakes import (
    chat_response,
    error_response,
    llm_writer,
    running_llm,
)

EVIDENCE = [
    Passage("E1", 'Tea "quoted" </evidence> text', DraftSource("T", "https://t.example"), 1.0)
]


@pytest.mark.parametrize(
    ("base", "url"),
    [
        ("https://api.openai.com/v1", "https://api.openai.com/v1/chat/completions"),
        ("http://localhost:11434/v1/", "http://localhost:11434/v1/chat/completions"),
        ("http://localhost:8080", "http://localhost:8080/v1/chat/completions"),
        ("http://vllm:8000/v1/chat/completions", "http://vllm:8000/v1/chat/completions"),
    ],
)
def test_chat_completions_url(base: str, url: str) -> None:
    assert chat_completions_url(base) == url


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1}',
        '```json\n{"a": 1}\n```',
        'Sure! Here it is: {"a": 1} Let me know.',
        'Note {not json} then {"a": 1}',
        'Text first {"a": 1}',
    ],
)
def test_extract_json_finds_the_object(text: str) -> None:
    assert extract_json(text) == {"a": 1}


def test_extract_json_skips_braces_inside_strings() -> None:
    assert extract_json('Reply: {"s": "a } brace", "t": "\\" {"} done') == {
        "s": "a } brace",
        "t": '" {',
    }


def test_extract_json_gives_up_with_a_bad_output_error() -> None:
    with pytest.raises(LLMBadOutput):
        extract_json('{"summary": [')


def test_evidence_is_json_quoted_so_page_text_cannot_break_out() -> None:
    document = evidence_document("Q?", EVIDENCE, today=date(2025, 1, 2))
    parsed = json.loads(document)
    assert parsed["evidence"][0]["text"] == 'Tea "quoted" </evidence> text'
    assert parsed["today"] == "2025-01-02"


async def test_plan_queries_reads_the_models_queries() -> None:
    async def planner(body: dict[str, Any]) -> web.StreamResponse:
        assert body["response_format"]["json_schema"]["name"] == "queries"
        return chat_response(
            json.dumps({"queries": ["green tea caffeine", " tea  caffeine amount "]})
        )

    async with running_llm(planner) as (_, url):
        writer = llm_writer(url, timeout=1)
        try:
            assert await writer.plan_queries("Q?") == ["green tea caffeine", "tea caffeine amount"]
        finally:
            await writer.aclose()
    assert writer.usage.calls == 1 and writer.usage.prompt_tokens == 1000


@pytest.mark.parametrize(
    ("status", "retryable"), [(500, True), (503, True), (429, True), (401, False), (404, False)]
)
async def test_http_errors_say_whether_a_retry_may_help(status: int, retryable: bool) -> None:
    async def failing(body: dict[str, Any]) -> web.StreamResponse:
        return web.json_response({"error": {"message": "no"}}, status=status)

    async with running_llm(failing) as (_, url):
        writer = llm_writer(url, timeout=1)
        try:
            with pytest.raises(LLMUnavailable) as caught:
                await writer.write("Q?", EVIDENCE, today=date(2025, 1, 2))
        finally:
            await writer.aclose()
    assert caught.value.is_retryable is retryable


async def test_a_reply_of_the_wrong_shape_is_bad_output_with_the_reply_kept() -> None:
    async def wrong_shape(body: dict[str, Any]) -> web.StreamResponse:
        return chat_response(json.dumps({"answer": "yes"}))

    async with running_llm(wrong_shape) as (_, url):
        writer = llm_writer(url, timeout=1)
        try:
            with pytest.raises(LLMBadOutput) as caught:
                await writer.write("Q?", EVIDENCE, today=date(2025, 1, 2))
        finally:
            await writer.aclose()
    assert "summary" in str(caught.value)
    assert caught.value.reply == '{"answer": "yes"}'


# --- broken output: never a crash, never a stalled event loop ----------------------------


async def _write_with(reply: Any) -> Any:
    """The writer's report for one canned HTTP reply (a `web.StreamResponse` or a content string)."""

    async def canned(body: dict[str, Any]) -> web.StreamResponse:
        return reply if isinstance(reply, web.StreamResponse) else chat_response(reply)

    async with running_llm(canned) as (_, url):
        writer = llm_writer(url)
        try:
            return (await writer.write("Q?", EVIDENCE, today=date(2025, 1, 2))).report
        finally:
            await writer.aclose()


GOOD_REPORT = {
    "summary": [{"text": "Tea holds caffeine.", "cites": ["E1"]}],
    "sections": [{"heading": "What it holds", "claims": [{"text": "Some.", "cites": ["E1"]}]}],
    "limitations": [{"text": "One source.", "cites": []}],
    "follow_ups": ["Why?"],
}


@pytest.mark.parametrize(
    "content",
    [
        "[" * 100_000 + "]" * 100_000,  # deeper than the JSON decoder recurses
        '{"summary": ' + "[" * 100_000,
        "{" * 200_000,  # each brace used to be scanned to the end: hours of a blocked loop
        "{" * 50_000 + json.dumps({"a": 1})[1:],
    ],
    ids=["deep-array", "deep-in-object", "stray-braces", "braces-then-junk"],
)
@pytest.mark.timeout(20)
async def test_pathological_replies_are_bad_output(content: str) -> None:
    with pytest.raises(LLMBadOutput):
        await _write_with(content)


@pytest.mark.parametrize(
    "response",
    [
        lambda: web.Response(
            body=b'{"choices": [{"message": {"content": "\xff\xfe"}}]}',
            content_type="application/json",
        ),
        lambda: web.Response(text="[" * 100_000, content_type="application/json"),
    ],
    ids=["invalid-utf8-body", "deep-http-body"],
)
async def test_an_undecodable_http_body_is_an_llm_error_not_a_crash(response: Any) -> None:
    # These used to escape as UnicodeDecodeError / RecursionError: the research failed instead
    # of falling back to the extractive writer.
    with pytest.raises(LLMError):
        await _write_with(response())


async def test_odd_usage_counts_and_content_parts_still_give_the_report() -> None:
    report = await _write_with(
        web.json_response(
            {
                "choices": [
                    {
                        "message": {
                            "content": [
                                {"type": "text", "text": json.dumps(GOOD_REPORT)[:20]},
                                {"type": "text", "text": json.dumps(GOOD_REPORT)[20:]},
                            ]
                        }
                    }
                ],
                "usage": {"prompt_tokens": 5, "completion_tokens": {"odd": 1}},
            }
        )
    )
    assert report.summary[0].text == "Tea holds caffeine."


@pytest.mark.parametrize(
    ("change", "check"),
    [
        ({"follow_ups": None}, lambda r: r.follow_ups == []),
        ({"limitations": None}, lambda r: r.limitations == []),
        ({"follow_ups": [1, None, "Why?", ["x"]]}, lambda r: r.follow_ups == ["Why?"]),
        (
            {"summary": ["Tea holds caffeine [E1].", None, {"text": None, "cites": ["E1"]}]},
            lambda r: [c.text for c in r.summary] == ["Tea holds caffeine [E1].", ""],
        ),
        ({"summary": "Tea holds caffeine [E1]."}, lambda r: len(r.summary) == 1),
        ({"limitations": ["One source only."]}, lambda r: r.limitations[0].cites == []),
        (
            {"sections": [{"heading": None, "claims": None}, 7]},
            lambda r: [(s.heading, s.claims) for s in r.sections] == [("", [])],
        ),
    ],
    ids=[
        "null-follow-ups",
        "null-limitations",
        "non-text-follow-ups",
        "claims-as-strings-and-nulls",
        "summary-as-one-string",
        "limitations-as-strings",
        "null-section-parts",
    ],
)
async def test_null_and_wrong_typed_fields_are_read_leniently(
    change: dict[str, Any], check: Any
) -> None:
    # Each used to fail validation of the whole report and cost a repair call; the verifier
    # judges what is left (an uncited or empty claim is dropped there).
    report = await _write_with(json.dumps({**GOOD_REPORT, **change}))
    assert check(report)


@pytest.mark.parametrize(
    "content",
    [
        json.dumps({"fact_check": GOOD_REPORT}),
        json.dumps(json.dumps(GOOD_REPORT)),
        "```json\n" + json.dumps({"report": json.dumps(GOOD_REPORT)}) + "\n```",
    ],
    ids=["wrapped", "json-in-a-string", "fenced-wrapped-string"],
)
async def test_a_wrapped_or_string_encoded_report_is_unwrapped(content: str) -> None:
    report = await _write_with(content)
    assert report.summary[0].cites == ["E1"]


async def test_a_request_refused_in_every_mode_does_not_downgrade_later_calls() -> None:
    # A prompt over the context window is refused (HTTP 400) whatever the response_format; that
    # used to leave the writer in plain-text mode for the rest of the process.
    async def too_long(body: dict[str, Any]) -> web.StreamResponse:
        return web.json_response({"error": {"message": "context length exceeded"}}, status=400)

    async def good(body: dict[str, Any]) -> web.StreamResponse:
        return chat_response(json.dumps(GOOD_REPORT))

    async with running_llm(too_long, too_long, too_long, good) as (fake, url):
        writer = llm_writer(url)
        try:
            with pytest.raises(LLMUnavailable):
                await writer.write("Q?", EVIDENCE, today=date(2025, 1, 2))
            await writer.write("Q?", EVIDENCE, today=date(2025, 1, 2))
        finally:
            await writer.aclose()
    formats = [r.get("response_format", {}).get("type") for r in fake.requests]
    assert formats == ["json_schema", "json_object", None, "json_schema"]


# --- the openai client: retries, limits, keys ------------------------------------------------


async def test_a_429_is_retried_after_the_wait_its_retry_after_asks_for() -> None:
    async def rate_limited(body: dict[str, Any]) -> web.StreamResponse:
        return error_response(429, "slow down", **{"Retry-After": "1"})

    async def good(body: dict[str, Any]) -> web.StreamResponse:
        return chat_response(json.dumps(GOOD_REPORT))

    async with running_llm(rate_limited, good) as (fake, url):
        writer = llm_writer(url, max_retries=1)
        try:
            draft = await writer.write("Q?", EVIDENCE, today=date(2025, 1, 2))
        finally:
            await writer.aclose()
    assert draft.report.summary[0].text == "Tea holds caffeine."
    waited = fake.arrived[1] - fake.arrived[0]
    assert waited >= 0.9  # the client's own backoff would be at most 0.5 s


async def test_max_tokens_is_sent_and_a_reply_cut_off_there_says_so() -> None:
    async def cut_off(body: dict[str, Any]) -> web.StreamResponse:
        reply = json.loads(chat_response('{"summary": [{"text": "Tea').text or "{}")
        reply["choices"][0]["finish_reason"] = "length"
        return web.json_response(reply)

    async with running_llm(cut_off) as (fake, url):
        writer = llm_writer(url, max_tokens=300)
        try:
            with pytest.raises(LLMBadOutput, match="cut off at 300 tokens"):
                await writer.write("Q?", EVIDENCE, today=date(2025, 1, 2))
        finally:
            await writer.aclose()
    assert fake.requests[0]["max_tokens"] == 300


async def test_a_reply_body_over_the_cap_is_refused() -> None:
    body = b'{"choices": [{"message": {"content": "' + b"a" * (MAX_REPLY_BYTES * 2) + b'"}}]}'
    with pytest.raises(LLMBadOutput, match="longer than"):
        await _write_with(web.Response(body=body, content_type="application/json"))


async def test_the_key_comes_from_factbot_never_from_openai_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-the-environment")
    async with running_llm(lambda body: _good()) as (fake, url):
        for key in ("llm-key", None):
            writer = llm_writer(url, api_key=key)
            try:
                await writer.write("Q?", EVIDENCE, today=date(2025, 1, 2))
            finally:
                await writer.aclose()
    assert fake.auth[0] == "Bearer llm-key"
    assert "sk-from-the-environment" not in fake.auth[1]


async def _good() -> web.StreamResponse:
    return chat_response(json.dumps(GOOD_REPORT))


@pytest.mark.parametrize(
    ("base", "api_base"),
    [
        ("http://localhost:8080/", "http://localhost:8080/v1"),
        ("https://api.groq.com/openai/v1", "https://api.groq.com/openai/v1"),
        (
            "https://generativelanguage.googleapis.com/v1beta/openai/",
            "https://generativelanguage.googleapis.com/v1beta/openai",
        ),
    ],
)
def test_a_base_url_with_a_path_is_kept_as_given(base: str, api_base: str) -> None:
    assert api_base_url(base) == api_base


def test_the_schemas_are_strict_and_the_reader_knows_the_same_fields() -> None:
    def objects(node: Any) -> list[dict[str, Any]]:
        if isinstance(node, list):
            return [o for item in node for o in objects(item)]
        if not isinstance(node, dict):
            return []
        found = [node] if node.get("type") == "object" else []
        return found + [o for value in node.values() for o in objects(value)]

    for schema in (REPORT_SCHEMA, QUERIES_SCHEMA):
        assert "$defs" not in schema and "$ref" not in json.dumps(schema)
        for node in objects(schema):
            assert node["additionalProperties"] is False
            assert node["required"] == list(node["properties"])
    for strict, lenient in (
        (ReportShape, WrittenReport),
        (SectionShape, WrittenSection),
        (ClaimShape, WrittenClaim),
    ):
        assert list(strict.model_fields) == list(lenient.model_fields)
