"""`python -m bench --smoke`: every section runs with tiny numbers and its JSON result is sane.

Runs the real CLI in a subprocess against the Kafka and PostgreSQL of the test command (the
environment's KAFKA_BOOTSTRAP_SERVERS / DATABASE_URL), on free ports, writing to a temporary folder.
Both system modes run (the issuer and six uvicorn processes on Kafka, then the single embedded process
with its own issuer), every request with a bearer token; distributed mode also measures intake's POST
with a token and without (a second intake on the open-intake policy). The run takes about 40 s on the
2-core development machine when it is not shared.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from contracts.catalogue import SERVICES

pytestmark = pytest.mark.kafka
REPO_ROOT = Path(__file__).resolve().parents[2]
# A guard against a hang, not a speed target (those are the benchmark's): ~50 s on an unloaded machine.
HANG_GUARD_SECONDS = 600


def _free_port_block(size: int) -> int:
    """The first of `size` consecutive loopback ports that are all free right now."""
    for base in range(20000, 60000, 97):
        ports = range(base, base + size)
        if all(_free(port) for port in ports):
            return base
    raise RuntimeError("no free block of ports")


def _free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def _positive(value) -> bool:
    return isinstance(value, int | float) and value > 0


def test_benchmark_smoke_writes_every_section(
    tmp_path: Path, server_database_url: str, kafka_bootstrap_servers: str
) -> None:
    # embedded, deadlines, issuer, the six services, the second intake of the authentication cost
    base = _free_port_block(len(SERVICES) + 4)
    env = {
        **os.environ,
        "DATABASE_URL": server_database_url,
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap_servers,
    }
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--results-dir", str(tmp_path),
         "--embedded-port", str(base), "--deadlines-port", str(base + 1),
         "--issuer-port", str(base + 2), "--distributed-port", str(base + 3)],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=HANG_GUARD_SECONDS,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    (path,) = tmp_path.glob("*.json")
    result = json.loads(path.read_text())
    assert "targets:" in done.stdout
    # The picture beside the JSON (bench/plot.py).
    picture = path.with_suffix(".png")
    assert picture.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") and picture.stat().st_size > 10_000
    assert f"picture: {picture}" in done.stdout

    kafka = result["raw"]["kafka"]
    for phase in ("saturated", "paced"):
        assert kafka[phase]["messages"] >= 100
        assert _positive(kafka[phase]["throughput_msgs_per_s"])
        latency = kafka[phase]["latency"]
        assert latency["count"] == kafka[phase]["messages"]
        assert 0 < latency["p50_ms"] <= latency["p95_ms"] <= latency["p99_ms"] < 60_000
    postgres = result["raw"]["postgres"]
    assert postgres["one_connection"]["inserts"] == 200
    assert _positive(postgres["one_connection"]["inserts_per_s"])
    assert postgres["concurrent"]["connections"] > 1 and _positive(postgres["concurrent"]["inserts_per_s"])

    for mode, names in (("distributed", {*SERVICES, "issuer"}), ("embedded", {"backbone"})):
        system = result["system"][mode]
        (step,) = system["fixed_rates"]
        assert step["offered_rate_per_s"] == 10 and step["sent"] == 20
        assert step["accepted"] == 20, step["responses"]
        seen = step["latency_post_to_police"]
        assert seen["count"] + step["unseen_after_drain"] == 20 and seen["count"] > 0
        assert 0 < seen["p50_ms"] <= seen["p99_ms"] < 60_000
        assert _positive(step["achieved_per_s"])
        assert set(system["rss"]) == names
        assert all(20 < figures["rss_peak_mib"] < 4096 for figures in system["rss"].values())
        assert step["poll"]["errors"] == 0  # the police poller's token was accepted throughout
        cpu = step["cpu"]
        # The broker and the database server of the test run on this machine: their CPU is counted too.
        assert set(cpu["cores_by_process"]) == names | {"kafka", "postgresql"} and cpu["idle_subtracted"]
        assert all(v is not None and v >= 0 for v in cpu["ms_per_report_net_of_idle_by_process"].values())
        assert _positive(sum(cpu["ms_per_report_net_of_idle_by_process"].values()))
        idle = system["idle"]
        assert idle["seconds"] == 3 and idle["transactions_per_minute"] >= 0
        # deploy/local/postgres.sh preloads pg_stat_statements, so statements are counted too.
        assert idle["statements_per_minute"] >= idle["statements_per_minute_besides_transaction_control"] >= 0

    cost = result["system"]["distributed"]["authentication_cost"]
    assert cost["responses"] == {"202": 20}, cost["responses"]
    for phase in ("with_token", "without_token"):
        assert cost[phase]["count"] == 10 and 0 < cost[phase]["p50_ms"] <= cost[phase]["p99_ms"]
    assert cost["p50_difference_ms"] == round(
        cost["with_token"]["p50_ms"] - cost["without_token"]["p50_ms"], 2
    )
    assert cost["policy_without_token"].endswith("access-open-intake.json")
    assert result["system"]["embedded"]["authentication_cost"] is None
    assert "intake POST p50 with a token" in done.stdout
    assert done.stdout.count("CPU ms per report by process (net of idle):") == 2

    (deadlines,) = result["deadlines"]
    assert deadlines["running_clocks"] == 1000
    assert deadlines["breached_seen"] == deadlines["due_in_window"] == 50
    delay = deadlines["delay_due_to_kafka_record"]
    assert delay["count"] == 50 and -1000 < delay["p50_ms"] <= delay["p99_ms"] < 30_000
    assert 20 < deadlines["routing_rss"]["rss_peak_mib"] < 4096

    assert {t["target"] for t in result["targets"]} and all("met" in t for t in result["targets"])
    assert any(key.startswith("distributed_p99_ms_at_") for key in result["ratios"])
