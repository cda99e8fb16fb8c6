"""A small benchmark result, shaped like `python -m bench` writes it, for the report's and picture's tests."""

from __future__ import annotations

from typing import Any


def _step(rate: float, p50: float | None, *, sustainable: bool, cores: dict[str, float]) -> dict[str, Any]:
    latency = {"count": 10, "p50_ms": p50, "p95_ms": p50 and p50 * 1.5, "p99_ms": p50 and p50 * 2}
    reports = round(rate * 2)
    return {
        "offered_rate_per_s": rate,
        "sent": reports,
        "accepted": reports,
        "achieved_per_s": rate,
        "latency_post_to_police": latency,
        "post_latency": {"count": reports, "p50_ms": 20.0, "p95_ms": 40.0, "p99_ms": 60.0 * rate / 10},
        "unseen_after_drain": 0,
        "sustainable": sustainable,
        "cpu": {
            "wall_seconds": 2.0,
            "cores_by_process": cores,
            "ms_per_report_net_of_idle_by_process": {
                name: round(1000 * (used - 0.01) * 2.0 / reports, 2) for name, used in cores.items()
            },
            "idle_subtracted": True,
        },
    }


def small_result() -> dict[str, Any]:
    def mode(processes: int, names: list[str]) -> dict[str, Any]:
        steps = [
            _step(5, 150.0, sustainable=True, cores={n: 0.1 for n in names}),
            _step(10, 300.0, sustainable=True, cores={n: 0.2 for n in names}),
            _step(20, None, sustainable=False, cores={n: 0.9 for n in names}),
        ]
        return {
            "mode": "x",
            "processes": processes,
            "start_seconds": [1.0],
            "fixed_rates": steps[:2],
            "search": steps[2:],
            "highest_sustainable_per_s": 10,
            "rss": {n: {"rss_peak_mib": 100.0, "rss_last_mib": 90.0, "cpu_seconds": 3.0} for n in names},
            "authentication_cost": None,
            "idle": {"seconds": 3, "cpu_cores_by_process": {n: 0.01 for n in names}},
        }

    return {
        "meta": {"timestamp": "20261202T000000Z", "machine": "test"},
        "system": {
            "distributed": mode(3, ["issuer", "intake", "routing"]),
            "embedded": mode(1, ["backbone"]),
        },
    }
