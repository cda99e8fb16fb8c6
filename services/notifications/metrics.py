"""Notifications' gauge for Prometheus: deliveries by agency and state (one query when scraped)."""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client.core import Metric
from sqlalchemy import text

from backbone.metrics import gauge
from backbone.service import ServiceRuntime

_BY_STATE = text("SELECT agency, state, count(*) FROM notification_deliveries GROUP BY agency, state")


async def delivery_gauges(runtime: ServiceRuntime) -> Iterable[Metric]:
    """How many deliveries each agency has pending, delivered and failed (dead-lettered)."""
    async with runtime.engine.connect() as connection:
        rows = (await connection.execute(_BY_STATE)).all()
    return [
        gauge(
            "notifications_deliveries",
            "Webhook deliveries by agency and state (failed: dead-lettered after every retry)",
            ["service", "agency", "state"],
            [(runtime.name, agency, state, count) for agency, state, count in rows],
        )
    ]
