"""The LLM writer's wire details: URLs, JSON recovery, query planning, errors."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from aiohttp import web

from answers.evidence import Passage
from answers.model import DraftSource
from answers.writers.llm import (
    LLMBadOutput,
    LLMUnavailable,
    LLMWriter,
    chat_completions_url,
    evidence_document,
    extract_json,
)
from tests.answers.research.fakes import chat_response, running_llm

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
        writer = LLMWriter(url, model="m", timeout=1)
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
        writer = LLMWriter(url, model="m", timeout=1)
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
        writer = LLMWriter(url, model="m", timeout=1)
        try:
            with pytest.raises(LLMBadOutput) as caught:
                await writer.write("Q?", EVIDENCE, today=date(2025, 1, 2))
        finally:
            await writer.aclose()
    assert "summary" in str(caught.value)
    assert caught.value.reply == '{"answer": "yes"}'
