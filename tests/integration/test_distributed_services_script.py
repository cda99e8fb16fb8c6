"""`deploy/local/services.sh`: every service, the operations page and the built-in issuer as processes;
its tokens work.

Runs the script as the README's Distributed mode section does, on free ports, a fresh database and its own
Kafka namespace, with its pid, log and issuer files in a temporary folder: every service trusts the one
issuer (a token of it files a report at intake, lists the police inbox and the police's deadlines, which
the police process reads from routing's), and `stop` stops all nine.
"""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import httpx
import pytest

from bench.reports import report_body
from contracts.catalogue import SERVICES
from tests.support.paging import items
from tests.support.waiting import eventually

pytestmark = pytest.mark.kafka
REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = REPO_ROOT / "deploy" / "local" / "services.sh"


def _free_port_block(size: int) -> int:
    for base in range(21000, 60000, 89):
        if all(_free(port) for port in range(base, base + size)):
            return base
    raise RuntimeError("no free block of ports")


def _free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def _script(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


async def test_services_trust_the_issuer_the_script_starts(
    tmp_path: Path, fresh_database_url: str, kafka_bootstrap_servers: str, kafka_namespace: str
) -> None:
    issuer_port = _free_port_block(len(SERVICES) + 2)  # the issuer, the services, the operations page
    base = issuer_port + 1
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AUTH_", "BACKBONE_", "ISSUER_"))},
        "DATABASE_URL": fresh_database_url,
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap_servers,
        "KAFKA_NAMESPACE": kafka_namespace,
        "LOCAL_INFRA_DIR": str(tmp_path),
        "SERVICES_BASE_PORT": str(base),
        "SERVICES_START_TIMEOUT": "180",
        "SEALING_KEY_FILE": str(tmp_path / "sealing-keys.json"),
    }
    ports = {name: base + i for i, name in enumerate(SERVICES)}
    try:
        started = _script(env, "start")
        assert started.returncode == 0, started.stderr[-3000:]
        assert f"issuer ready on http://127.0.0.1:{issuer_port}/issuer" in started.stderr
        status = _script(env, "status")
        assert status.returncode == 0 and "issuer: ready" in status.stdout, status.stdout

        hotline = _script(env, "token", "hotline-12355")
        police = _script(env, "token", "police-dispatch")
        assert hotline.returncode == 0 and police.returncode == 0, hotline.stderr + police.stderr
        secrets = tmp_path / "issuer" / "identity" / "secrets.json"
        assert secrets.stat().st_mode & 0o077 == 0
        async with httpx.AsyncClient(timeout=30) as client:
            intake = f"http://127.0.0.1:{ports['intake']}/intake/v1/reports"
            refused = await client.post(
                intake, content=report_body(1), headers={"Content-Type": "application/json"}
            )
            assert refused.status_code == 401
            filed = await client.post(
                intake,
                content=report_body(1),
                headers={
                    "Authorization": f"Bearer {hotline.stdout.strip()}",
                    "Content-Type": "application/json",
                },
            )
            assert filed.status_code == 202, filed.text
            case_id = filed.json()["case_id"]

            async def police_cases() -> set[str]:
                inbox = await client.get(
                    f"http://127.0.0.1:{ports['police']}/police/v1/referrals",
                    headers={"Authorization": f"Bearer {police.stdout.strip()}"},
                )
                return {referral["case_id"] for referral in items(inbox)}

            await eventually(police_cases, until=lambda cases: case_id in cases, within=60)

            # The police's deadline view is routing's clocks, read from routing's own process.
            deadlines = await client.get(
                f"http://127.0.0.1:{ports['police']}/police/v1/sla",
                headers={"Authorization": f"Bearer {police.stdout.strip()}"},
            )
            assert deadlines.status_code == 200, deadlines.text
            assert "police.first_dispatch" in {
                clock["clock"] for clock in items(deadlines) if clock["case_id"] == case_id
            }

            # The operations page, its own process, reads the services' APIs; without a session: sign in.
            page = await client.get(f"http://127.0.0.1:{base + len(SERVICES)}/ops/")
            assert (page.status_code, page.headers["location"]) == (303, "/ops/login")
    finally:
        stopped = _script(env, "stop")
    assert stopped.returncode == 0, stopped.stderr
    assert "stopping issuer" in stopped.stderr
    assert not list((tmp_path / "services").glob("*.pid"))
    assert _script(env, "status").returncode == 3
