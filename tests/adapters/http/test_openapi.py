"""The OpenAPI document describes exactly the routes served, with schemas from the real models."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from adapters.http import openapi_document
from answers import Answer
from tests.adapters.http.conftest import ApiRig

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def served_routes(app: web.Application) -> set[tuple[str, str]]:
    """(path, method) for every route, the /v1 sub-application's included; HEAD is implied."""
    routes = set()
    for route in app.router.routes():
        if route.method in ("HEAD", "*"):
            continue
        info = route.resource.get_info() if route.resource is not None else {}
        path = info.get("path") or info.get("formatter")
        assert path, route
        routes.add((path, route.method.lower()))
    return routes


def documented_routes(document: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (path, method)
        for path, operations in document["paths"].items()
        for method in operations
        if method in HTTP_METHODS
    }


def refs_in(node: object) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in refs_in(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in refs_in(value)]
    return []


async def test_served_routes_match_the_document(api: ApiRig) -> None:
    app = api.client.app
    assert app is not None
    document = openapi_document()
    assert served_routes(app) == documented_routes(document)
    assert ("/v1/answers", "post") in documented_routes(document)


async def test_the_document_is_served_as_json(api: ApiRig) -> None:
    response = await api.client.get("/openapi.json")
    assert response.status == 200
    assert await response.json() == json.loads(json.dumps(openapi_document()))


def test_the_document_is_openapi_3_1_and_every_ref_resolves() -> None:
    document = openapi_document()
    assert document["openapi"] == "3.1.0"
    assert document["info"]["title"] and document["info"]["version"]
    schemas = document["components"]["schemas"]
    refs = refs_in(document)
    assert refs
    for ref in refs:
        prefix, _, name = ref.rpartition("/")
        assert prefix == "#/components/schemas" and name in schemas, ref
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert operation["responses"], (path, method)
            assert operation["operationId"], (path, method)


def test_the_answer_schema_is_the_answer_model() -> None:
    schemas = openapi_document()["components"]["schemas"]
    answer_schema = Answer.model_json_schema(mode="serialization")
    for name, extra in (
        ("AnswerResponse", {"cache", "stale"}),
        ("StoredAnswerResponse", {"stale"}),
    ):
        properties = schemas[name]["properties"]
        assert set(properties) == set(answer_schema["properties"]) | extra
        assert properties["id"] == answer_schema["properties"]["id"]
    assert schemas["AnswerResponse"]["properties"]["cache"]["enum"] == ["hit", "miss", "shared"]
    assert {"Claim", "Section", "Source", "EngineInfo"} <= set(schemas)


def test_the_path_parameter_matches_the_route_variable() -> None:
    operation = openapi_document()["paths"]["/v1/answers/{id}"]["get"]
    assert [p["name"] for p in operation["parameters"] if p["in"] == "path"] == ["id"]
