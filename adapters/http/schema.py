"""The API's request and response shapes: pydantic at the edge, and the source of the OpenAPI schemas."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from adapters.http.errors import ApiError
from adapters.wording import EXAMPLE_QUESTION
from answers import Answer

__all__ = [
    "AnswerResponse",
    "AskRequest",
    "ErrorDetail",
    "ErrorResponse",
    "HealthResponse",
    "StoredAnswerResponse",
    "parse_ask_request",
]


class AskRequest(BaseModel):
    """The body of `POST /v1/answers`."""

    model_config = ConfigDict(strict=True, extra="forbid")

    question: str = Field(
        description="The question, as a person would ask it (1 to the server's limit, "
        "1000 characters by default).",
        examples=[EXAMPLE_QUESTION],
    )
    refresh: bool = Field(False, description="Research again even when a fresh answer is cached.")


class AnswerResponse(Answer):
    """An answer to a question just asked, and how the server got it."""

    cache: Literal["hit", "miss", "shared"] = Field(
        description="hit: from the cache; miss: researched for this request; shared: "
        "researched once for several people asking the same question at the same time."
    )
    stale: bool = Field(description="True when the answer is older than the server's freshness.")


class StoredAnswerResponse(Answer):
    """A stored answer fetched by id."""

    stale: bool = Field(description="True when the answer is older than the server's freshness.")


class ErrorDetail(BaseModel):
    code: str = Field(description="Machine-readable, e.g. question_too_long, rate_limited.")
    message: str = Field(description="One sentence for a person.")


class ErrorResponse(BaseModel):
    error: ErrorDetail


class HealthResponse(BaseModel):
    status: Literal["ok", "unhealthy"]
    checks: dict[str, str] = Field(
        description='"redis" (up, down or "not configured") and each running adapter by name '
        "(up or down).",
        examples=[{"redis": "up", "slack": "up", "api": "up"}],
    )


def parse_ask_request(body: bytes) -> AskRequest:
    """The request, or an `ApiError`: 400 for JSON that does not parse, 422 for the wrong shape."""
    try:
        return AskRequest.model_validate_json(body)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        if any(error["type"] == "json_invalid" for error in errors):
            raise ApiError(400, "invalid_json", "The request body is not valid JSON.") from None
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'body'}: {error['msg']}"
            for error in errors
        )
        raise ApiError(
            422,
            "invalid_request",
            f'Send a JSON object such as {{"question": "{EXAMPLE_QUESTION}"}} ({problems}).',
        ) from None
