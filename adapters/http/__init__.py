"""The HTTP API adapter ("api"): ask and fetch answers as JSON, plus /healthz, /metrics and
/openapi.json, on the process's shared aiohttp server."""

from adapters.http.adapter import HttpApiAdapter
from adapters.http.errors import MAX_HEADER_BYTES, MAX_REQUEST_LINE_BYTES, quiet_disconnects
from adapters.http.health import HealthCheck
from adapters.http.openapi import openapi_document
from adapters.http.ops import add_ops_routes

__all__ = [
    "MAX_HEADER_BYTES",
    "MAX_REQUEST_LINE_BYTES",
    "HealthCheck",
    "HttpApiAdapter",
    "add_ops_routes",
    "openapi_document",
    "quiet_disconnects",
]
