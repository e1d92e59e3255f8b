"""Reading what the model wrote: the JSON taken out of any reply, then read leniently.

Models wrap the report (`{"fact_check": {...}}`), fence it, send it as a JSON
string, write a claim as a bare string or a field as null. Each of these is
read rather than refused (a refusal costs a repair call); what is left is for
the verifier to judge. The lenient models keep `schema`'s field names.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from answers.backends.research.llm.errors import LLMBadOutput

__all__ = [
    "MAX_JSON_STARTS",
    "WrittenClaim",
    "WrittenReport",
    "WrittenSection",
    "extract_json",
    "read_queries",
    "read_report",
    "read_standalone",
]

MAX_JSON_STARTS = 200  # `{`s tried as the start of the object; a real reply needs a handful
MAX_QUERY_CHARS = 200

_DECODER = json.JSONDecoder()


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore")


def _claim_items(value: object) -> object:
    """Claims as the model wrote them, made readable: null is none, a bare string is an uncited
    claim (cite marks typed into it still count), a null text is empty, anything else is dropped."""
    if value is None:
        return []
    if isinstance(value, str | dict):
        value = [value]
    if not isinstance(value, list):
        return value
    claims: list[object] = []
    for item in value:
        if isinstance(item, str):
            claims.append({"text": item, "cites": []})
        elif isinstance(item, dict):
            text = item.get("text")
            claims.append({**item, "text": text if isinstance(text, str) else ""})
    return claims


class WrittenClaim(_Lenient):
    text: str
    cites: list[str] = Field(default_factory=list)

    @field_validator("cites", mode="before")
    @classmethod
    def _cites_as_text(cls, value: object) -> object:
        if value is None:
            return []
        if isinstance(value, str | int):
            value = [value]
        if isinstance(value, list):
            return [str(v) for v in value if isinstance(v, str | int)]
        return value


class WrittenSection(_Lenient):
    heading: str
    claims: list[WrittenClaim]

    @field_validator("heading", mode="before")
    @classmethod
    def _heading_as_text(cls, value: object) -> object:
        return "" if value is None else value

    @field_validator("claims", mode="before")
    @classmethod
    def _readable_claims(cls, value: object) -> object:
        return _claim_items(value)


class WrittenReport(_Lenient):
    summary: list[WrittenClaim]
    sections: list[WrittenSection]
    limitations: list[WrittenClaim] = Field(default_factory=list)
    follow_ups: list[str] = Field(default_factory=list)

    @field_validator("summary", "limitations", mode="before")
    @classmethod
    def _readable_claims(cls, value: object) -> object:
        # Limitations often come back as plain strings; they need no cites.
        return _claim_items(value)

    @field_validator("sections", mode="before")
    @classmethod
    def _readable_sections(cls, value: object) -> object:
        if value is None:
            return []
        if isinstance(value, list):
            return [item for item in value if isinstance(item, dict)]
        return value

    @field_validator("follow_ups", mode="before")
    @classmethod
    def _text_follow_ups(cls, value: object) -> object:
        if value is None:
            return []
        if isinstance(value, list):
            return [item for item in value if isinstance(item, str)]
        return value


def extract_json(text: str) -> Any:
    """The first JSON object in `text`: the whole text, a fenced block, or the first `{` that
    starts one. Each try is the C decoder, which stops at the first error, so a reply of
    thousands of stray braces cannot stall the event loop."""
    stripped = text.strip()
    try:
        return json.loads(stripped)
    except (ValueError, RecursionError):
        pass
    start = stripped.find("{")
    for _ in range(MAX_JSON_STARTS):
        if start == -1:
            break
        try:
            value, _end = _DECODER.raw_decode(stripped, start)
        except (ValueError, RecursionError):
            start = stripped.find("{", start + 1)
            continue
        return value
    raise LLMBadOutput("the reply holds no JSON object")


def _unwrap_report(data: Any) -> Any:
    """The report itself when the model wrapped it (`{"fact_check": {...}}`) or sent it as a
    JSON string; anything else unchanged, for validation to describe."""
    found = data
    for _ in range(3):
        if isinstance(found, dict) and "summary" not in found and len(found) == 1:
            (found,) = found.values()
        if isinstance(found, str):
            try:
                found = extract_json(found)
            except LLMBadOutput:
                return data
        if not isinstance(found, dict):
            return data
        if "summary" in found:
            return found
    return data


def read_report(content: str) -> WrittenReport:
    """The report in a reply; `LLMBadOutput` (keeping the reply) says what was wrong."""
    try:
        return WrittenReport.model_validate(_unwrap_report(extract_json(content)))
    except LLMBadOutput as exc:
        raise LLMBadOutput(str(exc), reply=content) from exc
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:5]
        )
        raise LLMBadOutput(
            f"the JSON does not match the report shape ({problems})", reply=content
        ) from exc


def read_queries(content: str, *, limit: int) -> list[str]:
    """Up to `limit` search queries from a planner reply, spaces tidied."""
    data = extract_json(content)
    queries = data.get("queries") if isinstance(data, dict) else None
    if not isinstance(queries, list):
        raise LLMBadOutput("no queries list")
    planned = [
        " ".join(q.split())[:MAX_QUERY_CHARS] for q in queries if isinstance(q, str) and q.strip()
    ]
    if not planned:
        raise LLMBadOutput("no queries")
    return planned[:limit]


def read_standalone(content: str) -> str:
    """The rewritten question from a reply, spaces tidied; raises `LLMBadOutput`."""
    data = extract_json(content)
    question = data.get("question") if isinstance(data, dict) else None
    if not isinstance(question, str) or not question.strip():
        raise LLMBadOutput("no question")
    return " ".join(question.split())
