"""An agency's gauge for Prometheus: its inbox by state (one query when scraped)."""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client.core import Metric
from sqlalchemy import text

from backbone.metrics import gauge
from backbone.service import ServiceRuntime


async def inbox_gauges(runtime: ServiceRuntime) -> Iterable[Metric]:
    """How many referrals the agency holds in each state."""
    async with runtime.engine.connect() as connection:
        rows = (
            await connection.execute(text("SELECT status, count(*) FROM agency_referrals GROUP BY status"))
        ).all()
    return [
        gauge(
            "agency_referrals",
            "Referrals in the agency's inbox by state",
            ["service", "state"],
            [(runtime.name, status, count) for status, count in rows],
        )
    ]
