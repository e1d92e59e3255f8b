"""The routes operators and orchestrators read: `/healthz` and `/metrics`, open without a token."""

from __future__ import annotations

from aiohttp import web
from prometheus_client import CollectorRegistry
from prometheus_client.aiohttp import make_aiohttp_handler

from adapters.http.health import HealthCheck

__all__ = ["HEALTH_PATH", "METRICS_PATH", "add_ops_routes"]

HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"


def add_ops_routes(
    app: web.Application, *, health: HealthCheck, metrics: CollectorRegistry
) -> None:
    """Add `/healthz` and `/metrics`; `HttpApiAdapter.mount` calls this, and so can a runner
    that serves no API."""

    async def get_health(request: web.Request) -> web.Response:
        report = await health.run()
        return web.json_response(
            report.model_dump(mode="json"), status=200 if report.status == "ok" else 503
        )

    app.router.add_get(HEALTH_PATH, get_health)
    app.router.add_get(METRICS_PATH, make_aiohttp_handler(metrics))
