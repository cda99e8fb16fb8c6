"""What a service can do right now, for an orchestrator's readiness probe.

Accepting requests needs the database: without it nothing can be read or written, so the service is
not ready (503). Delivering events needs the broker: without it the service still accepts work into
its outbox, which the relay publishes once the broker is back, so it stays in rotation (200) and says
what is degraded.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

OK = "ok"


def readiness(*, databases: Mapping[str, str], broker: str) -> tuple[int, dict[str, Any]]:
    """The probe's status code and body from each database's state and the broker's (`ok` or why not)."""
    failing = {name: state for name, state in databases.items() if state != OK}
    if not databases:
        accept = "failing: no service running"
    elif failing:
        accept = "failing: " + "; ".join(
            f"{name} database {state}" for name, state in sorted(failing.items())
        )
    else:
        accept = OK
    deliver = OK if broker == OK else (broker if broker.startswith("failing") else f"failing: {broker}")
    if accept != OK:
        status = "not ready"
    elif deliver != OK:
        status = "degraded"
    else:
        status = "ready"
    checks = {f"{name}.database": state for name, state in databases.items()} | {"broker": broker}
    body = {"status": status, "accept": accept, "deliver": deliver, "checks": checks}
    return (200 if accept == OK else 503), body
