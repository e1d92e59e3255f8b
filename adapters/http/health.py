"""What `/healthz` reports: the shared store and each running adapter's connection."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from adapters.base import Adapter
from adapters.http.schema import HealthResponse
from answers import Store

__all__ = ["PING_TIMEOUT_SECONDS", "HealthCheck"]

log = logging.getLogger(__name__)

PING_TIMEOUT_SECONDS = 2.0  # well inside a container healthcheck's timeout

UP, DOWN, NOT_CONFIGURED = "up", "down", "not configured"


@dataclass
class HealthCheck:
    """Pings the store and asks each adapter `is_healthy()`.

    `adapters` is read at every check, so the runner can hand over the list
    it fills (the API adapter itself included) after building this.
    """

    store: Store
    adapters: Sequence[Adapter] = field(default_factory=list)
    ping_timeout: float = PING_TIMEOUT_SECONDS

    async def run(self) -> HealthResponse:
        checks = {"redis": await self._store_state()}
        for adapter in self.adapters:
            checks[adapter.name] = UP if self._adapter_is_healthy(adapter) else DOWN
        is_healthy = all(state != DOWN for state in checks.values())
        return HealthResponse(status="ok" if is_healthy else "unhealthy", checks=checks)

    async def _store_state(self) -> str:
        if not self.store.is_shared:
            return NOT_CONFIGURED  # the in-process store: nothing to be down
        try:
            async with asyncio.timeout(self.ping_timeout):
                is_up = await self.store.ping()
        except TimeoutError:
            is_up = False
        return UP if is_up else DOWN

    @staticmethod
    def _adapter_is_healthy(adapter: Adapter) -> bool:
        try:
            return adapter.is_healthy()
        except Exception:
            log.warning("%s adapter's health check failed", adapter.name, exc_info=True)
            return False
