"""The OpenAPI 3.1 document served at `/openapi.json`.

Paths and responses are written here by hand; every body schema comes from
the pydantic models in `adapters.http.schema` (the answer's from `Answer`
itself), so the document cannot drift from what the handlers send.
"""

from __future__ import annotations

import importlib.metadata
from functools import cache
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from adapters.http.schema import (
    AnswerResponse,
    AskRequest,
    ErrorResponse,
    HealthResponse,
    StoredAnswerResponse,
)
from adapters.wording import EXAMPLE_QUESTION

__all__ = ["OPENAPI_PATH", "openapi_document"]

OPENAPI_PATH = "/openapi.json"
REF = "#/components/schemas/{model}"
JSON = "application/json"

_MODELS: tuple[tuple[type[BaseModel], JsonSchemaMode], ...] = (
    (AskRequest, "validation"),
    (AnswerResponse, "serialization"),
    (StoredAnswerResponse, "serialization"),
    (ErrorResponse, "serialization"),
    (HealthResponse, "serialization"),
)


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": REF.format(model=model.__name__)}


def _json_body(model: type[BaseModel], description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": _ref(model)}}}


def _error(description: str, *, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    response = _json_body(ErrorResponse, description)
    if headers:
        response["headers"] = headers
    return response


RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before asking again.",
        "schema": {"type": "integer", "minimum": 1},
    }
}
BEARER_OR_OPEN: list[dict[str, list[str]]] = [{"bearerAuth": []}, {}]


def _paths() -> dict[str, Any]:
    unauthorized = _error("FACTBOT_API_TOKEN is set and the bearer token is missing or wrong.")
    return {
        "/v1/answers": {
            "post": {
                "operationId": "askQuestion",
                "summary": "Ask a question and get a sourced fact-check report",
                "description": "Returns a cached answer when a fresh one exists (`cache: hit`); "
                "otherwise researches the question, which can take from a second to a minute. "
                "The same question asked at the same time is researched once (`cache: shared`).",
                "security": BEARER_OR_OPEN,
                "requestBody": {
                    "required": True,
                    "content": {
                        JSON: {
                            "schema": _ref(AskRequest),
                            "example": {"question": EXAMPLE_QUESTION, "refresh": False},
                        }
                    },
                },
                "responses": {
                    "200": _json_body(AnswerResponse, "The report."),
                    "400": _error("The body is not valid JSON."),
                    "401": unauthorized,
                    "413": _error("The body is larger than the server accepts."),
                    "415": _error("The body is not sent as application/json."),
                    "422": _error(
                        "The body has the wrong shape, or the question is empty or over the "
                        "limit (codes invalid_request, empty_question, question_too_long)."
                    ),
                    "429": _error("This caller asked too often.", headers=RETRY_AFTER),
                    "502": _error("The research backend failed; nothing was cached."),
                    "503": _error("The server is shutting down.", headers=RETRY_AFTER),
                },
            }
        },
        "/v1/answers/{id}": {
            "get": {
                "operationId": "getAnswer",
                "summary": "Fetch a stored answer by id",
                "description": "Answers are kept for the server's retention (30 days by default) "
                "after they were researched.",
                "security": BEARER_OR_OPEN,
                "parameters": [
                    {
                        "name": "id",
                        "in": "path",
                        "required": True,
                        "description": "The answer's id, as returned by POST /v1/answers.",
                        "schema": {"type": "string", "pattern": "^[0-9a-f]{16}$"},
                    }
                ],
                "responses": {
                    "200": _json_body(StoredAnswerResponse, "The stored report."),
                    "401": unauthorized,
                    "404": _error("No answer with this id, or it has expired."),
                },
            }
        },
        "/healthz": {
            "get": {
                "operationId": "health",
                "summary": "Redis and each adapter's connection",
                "security": [{}],
                "responses": {
                    "200": _json_body(HealthResponse, "Everything is up."),
                    "503": _json_body(HealthResponse, "Something is down or shutting down."),
                },
            }
        },
        "/metrics": {
            "get": {
                "operationId": "metrics",
                "summary": "Prometheus metrics",
                "security": [{}],
                "responses": {
                    "200": {
                        "description": "The Prometheus text exposition format "
                        "(OpenMetrics when the Accept header asks for it).",
                        "content": {"text/plain": {"schema": {"type": "string"}}},
                    }
                },
            }
        },
        OPENAPI_PATH: {
            "get": {
                "operationId": "openapi",
                "summary": "This document",
                "security": [{}],
                "responses": {
                    "200": {
                        "description": "The OpenAPI 3.1 document.",
                        "content": {JSON: {"schema": {"type": "object"}}},
                    }
                },
            }
        },
    }


def _version() -> str:
    try:
        return importlib.metadata.version("factbot")
    except importlib.metadata.PackageNotFoundError:
        return "0.0.0"


@cache
def openapi_document() -> dict[str, Any]:
    """The whole document (built once; treat it as read-only)."""
    _, schemas = models_json_schema(_MODELS, ref_template=REF)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "factbot HTTP API",
            "version": _version(),
            "summary": "Ask questions, get short sourced fact-check reports.",
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "paths": _paths(),
        "components": {
            "schemas": schemas["$defs"],
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "Required on /v1/ only when the server sets FACTBOT_API_TOKEN.",
                }
            },
        },
    }
