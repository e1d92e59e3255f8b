"""The shapes the LLM is asked to reply in, as strict pydantic models, and their JSON schemas.

`REPORT_SCHEMA` and `QUERIES_SCHEMA` are generated from the models in the form
OpenAI's strict structured outputs accept (and Ollama, vLLM and llama.cpp
turn into a grammar): every property required, no other properties,
definitions inlined, no titles. Replies are read by the lenient models in
`reply`, which keep the same field names (a test holds them in step).

A claim carries no code block here: `Claim.code` must be quoted verbatim from
the evidence, which the verifier cannot promise for code an LLM typed.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

__all__ = [
    "QUERIES_SCHEMA",
    "REPORT_SCHEMA",
    "STANDALONE_SCHEMA",
    "ClaimShape",
    "QueriesShape",
    "ReportShape",
    "SectionShape",
    "StandaloneShape",
    "strict_json_schema",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ClaimShape(_Strict):
    text: str
    cites: list[str]


class SectionShape(_Strict):
    heading: str
    claims: list[ClaimShape]


class ReportShape(_Strict):
    summary: list[ClaimShape]
    sections: list[SectionShape]
    limitations: list[ClaimShape]
    follow_ups: list[str]


class QueriesShape(_Strict):
    queries: list[str]


class StandaloneShape(_Strict):
    question: str


def strict_json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """`model`'s JSON schema in strict form: refs inlined, titles dropped, every object closed
    with all of its properties required."""
    schema = model.model_json_schema()
    definitions: dict[str, Any] = schema.pop("$defs", {})

    def strict(node: Any) -> Any:
        if isinstance(node, list):
            return [strict(item) for item in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            return strict(definitions[node["$ref"].rsplit("/", 1)[-1]])
        # A schema's "title" is a string; a property that happens to be named "title" is not.
        out = {k: strict(v) for k, v in node.items() if not (k == "title" and isinstance(v, str))}
        if out.get("type") == "object":
            out["required"] = list(out.get("properties", {}))
            out["additionalProperties"] = False
        return out

    result: dict[str, Any] = strict(schema)
    return result


REPORT_SCHEMA = strict_json_schema(ReportShape)
QUERIES_SCHEMA = strict_json_schema(QueriesShape)
STANDALONE_SCHEMA = strict_json_schema(StandaloneShape)
