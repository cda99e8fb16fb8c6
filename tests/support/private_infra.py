"""A private PostgreSQL or Kafka (deploy/local) a test may stop and start; the shared ones never stop."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class PrivateComponent:
    """One deploy/local component (`postgres`, `kafka`) with its own state directory and ports."""

    script: str
    env: dict[str, str]

    def run(self, command: str) -> None:
        subprocess.run(
            ["bash", str(REPO_ROOT / "deploy" / "local" / f"{self.script}.sh"), command],
            env=self.env,
            check=True,
            capture_output=True,
            timeout=300,
        )

    def output(self, *command: str) -> str:
        return subprocess.run(
            ["bash", str(REPO_ROOT / "deploy" / "local" / f"{self.script}.sh"), *command],
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout

    def client_settings(self) -> dict[str, str]:
        """The settings a client of this component needs (its URL, or Kafka's SASL user), by env name."""
        if self.script == "postgres":
            return {"DATABASE_URL": self.output("url").strip()}
        lines = self.output("env").splitlines()
        pairs = (line.removeprefix("export ").split("=", 1) for line in lines if line.startswith("export "))
        return {name: value for name, value in pairs if name != "KAFKA_CREDENTIALS_DIR"}

    async def start(self) -> None:
        await asyncio.to_thread(self.run, "start")

    async def stop(self) -> None:
        await asyncio.to_thread(self.run, "stop")


def _reuse_kafka_jars(script: str, directory: Path) -> None:
    # The jars ./test.sh's own broker fetched: copying them beats Maven resolving them again.
    fetched = REPO_ROOT / ".local-infra" / "kafka" / "libs"
    if script == "kafka" and (fetched / ".complete").is_file():
        shutil.copytree(fetched, directory / "kafka" / "libs")


@contextlib.contextmanager
def private_component(script: str, **ports: int) -> Iterator[PrivateComponent]:
    """Start the component in a fresh directory on the given ports; stop it and delete it afterwards."""
    directory = tempfile.mkdtemp(prefix=f"private-{script}-")
    os.chmod(directory, 0o755)  # PostgreSQL runs as its own user when the tests run as root
    _reuse_kafka_jars(script, Path(directory))
    component = PrivateComponent(
        script, {**os.environ, "LOCAL_INFRA_DIR": directory, **{k: str(v) for k, v in ports.items()}}
    )
    try:
        component.run("start")
        yield component
    finally:
        component.run("stop")
        shutil.rmtree(directory, ignore_errors=True)
