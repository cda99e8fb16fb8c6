"""Routing's gauges for Prometheus: cases, referrals and deadline clocks by state (one query each)."""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client.core import Metric
from sqlalchemy import text

from backbone.metrics import gauge
from backbone.service import ServiceRuntime

QUERIES = {
    "routing_cases": (
        "Cases by status and priority",
        ["status", "priority"],
        "SELECT status, priority, count(*) FROM routing_cases GROUP BY status, priority",
    ),
    "routing_referrals": (
        "Referrals by agency and state",
        ["agency", "state"],
        "SELECT agency, status, count(*) FROM routing_referrals GROUP BY agency, status",
    ),
    "sla_clocks": (
        "Deadline clocks by agency, clock and state",
        ["agency", "clock", "state"],
        "SELECT agency, clock, state, count(*) FROM routing_sla_clocks GROUP BY agency, clock, state",
    ),
}


async def routing_gauges(runtime: ServiceRuntime) -> Iterable[Metric]:
    """The case, referral and clock counts routing holds, gathered when scraped."""
    families = []
    async with runtime.engine.connect() as connection:
        for name, (documentation, labels, sql) in QUERIES.items():
            rows = (await connection.execute(text(sql))).all()
            families.append(
                gauge(name, documentation, ["service", *labels], [(runtime.name, *row) for row in rows])
            )
    return families
