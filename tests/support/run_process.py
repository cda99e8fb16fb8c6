"""`python -m backbone.run` as a real process (own process group) on a private data dir and free port."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from backbone.pgprocs import is_alive, server_processes
from tests.support.waiting import eventually

REPO_ROOT = Path(__file__).resolve().parents[2]
# The single-process default: no DATABASE_URL, no broker, nothing inherited from the test command.
DROPPED = ("DATABASE_URL", "BACKBONE_", "KAFKA_", "AUTH_", "IDENTITY_", "SEALING_")
# Every API call needs a bearer token: the built-in issuer's, for the 12355 hotline (intake's owner).
CALLER = "hotline-12355"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postmasters(pgdata: Path) -> list[int]:
    """PostgreSQL servers (not their backends) working on a data directory."""
    processes = set(server_processes(pgdata))
    return [pid for pid in processes if _parent(pid) not in processes]


def _parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


@dataclass
class RunningBackbone:
    data_dir: Path
    port: int
    process: subprocess.Popen | None = None

    @property
    def pgdata(self) -> Path:
        return self.data_dir / "pgdata"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(DROPPED)}
        env.update(BACKBONE_DATA_DIR=str(self.data_dir), BACKBONE_PORT=str(self.port), LOG_LEVEL="WARNING")
        log = open(self.data_dir / "run.log", "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "backbone.run"],
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, as a terminal would give ./run.sh
        )
        log.close()

    async def serving(self) -> None:
        """Wait until every service answers /readyz (the process must not have died)."""

        async def probe() -> int:
            assert self.process is not None and self.process.poll() is None, (
                f"backbone.run exited ({self.process and self.process.returncode}): {self.log_tail()}"
            )
            try:
                async with httpx.AsyncClient(base_url=self.base_url, timeout=5) as client:
                    return (await client.get("/readyz")).status_code
            except httpx.TransportError:
                return 0

        await eventually(probe, until=lambda status: status == 200, within=120, what="backbone.run ready")

    async def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """A call as the hotline, with a token from this run's built-in issuer."""
        async with httpx.AsyncClient(base_url=self.base_url, timeout=30) as client:
            secrets = json.loads((self.data_dir / "identity" / "secrets.json").read_text())
            issued = await client.post(
                "/issuer/token", data={"grant_type": "client_credentials"}, auth=(CALLER, secrets[CALLER])
            )
            issued.raise_for_status()
            headers = {
                **kwargs.pop("headers", {}),
                "Authorization": f"Bearer {issued.json()['access_token']}",
            }
            return await client.request(method, path, headers=headers, **kwargs)

    def signal(self, signum: int, *, group: bool = False) -> None:
        assert self.process is not None
        if group:
            os.killpg(self.process.pid, signum)
        else:
            self.process.send_signal(signum)

    def wait_exit(self, timeout: float = 120) -> int:
        assert self.process is not None
        return self.process.wait(timeout)

    async def no_server_left(self) -> None:
        await eventually(
            lambda: _now(server_processes(self.pgdata)),
            until=lambda pids: pids == [],
            within=60,
            what="no PostgreSQL",
        )

    def log_tail(self) -> str:
        path = self.data_dir / "run.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def kill_everything(self) -> None:
        """Clean-up after a failed test: nothing of this run may stay behind."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        for pid in server_processes(self.pgdata):
            if is_alive(pid):
                os.kill(pid, signal.SIGKILL)


async def _now(value: Any) -> Any:
    return value
