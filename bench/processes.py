"""Service processes the benchmark starts itself: launch, wait for /readyz, sample RSS, stop by pid."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

from bench.infra import REPO_ROOT

# Variables a service reads (backbone.settings); inherited values are dropped so only ours apply.
SETTINGS_VARIABLES = (
    "BACKBONE_SERVICES",
    "BACKBONE_TRANSPORT",
    "KAFKA_BOOTSTRAP_SERVERS",
    "KAFKA_NAMESPACE",
    "DATABASE_URL",
    "BACKBONE_PORT",
    "BACKBONE_HOST",
    "SERVICES_DATABASE",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "SEALING_KEYS",
    "SEALING_KEY_FILE",
    "BACKBONE_DATA_DIR",
    "DATABASE_ROLE_SECRET",
    "BACKBONE_PUBLIC_URL",
    "AUTH_ISSUER",
    "AUTH_AUDIENCE",
    "AUTH_MAX_TOKEN_LIFETIME_SECONDS",
    "ACCESS_POLICY_PATH",
    "IDENTITY_REGISTRY_PATH",
    "IDENTITY_TOKEN_LIFETIME_SECONDS",
    "SERVICE_API_URLS",
)


@dataclass
class ServiceProcess:
    name: str
    port: int
    ready_path: str
    popen: subprocess.Popen
    log_path: Path
    rss_peak: int = 0
    rss_last: int = 0
    cpu_seconds: float = 0.0

    @property
    def pid(self) -> int:
        return self.popen.pid

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def spawn(name: str, args: list[str], env: dict[str, str], *, port: int, ready_path: str, log_dir: Path):
    """Start one process in its own session, its output in `log_dir/<name>.log`."""
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{name}.log"
    base = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    with log_path.open("ab") as log_file:
        popen = subprocess.Popen(
            [sys.executable, *args],
            cwd=REPO_ROOT,
            env={**base, "PYTHONUNBUFFERED": "1", **env},
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return ServiceProcess(name, port, ready_path, popen, log_path)


async def wait_ready(processes: list[ServiceProcess], within: float) -> float:
    """Poll every /readyz until all answer 200; raise if one exits or the time runs out."""
    started = time.perf_counter()
    pending = list(processes)
    async with httpx.AsyncClient(timeout=3) as client:
        while pending:
            for process in list(pending):
                if process.popen.poll() is not None:
                    raise RuntimeError(f"{process.name} exited during start-up:\n{process.log_tail()}")
                with contextlib.suppress(httpx.HTTPError):
                    url = f"http://127.0.0.1:{process.port}{process.ready_path}"
                    if (await client.get(url)).status_code == 200:
                        pending.remove(process)
            if time.perf_counter() - started > within:
                names = ", ".join(p.name for p in pending)
                raise TimeoutError(f"not ready within {within:.0f}s: {names}\n{pending[0].log_tail()}")
            if pending:
                await asyncio.sleep(0.2)
    return time.perf_counter() - started


def stop(processes: list[ServiceProcess], timeout: float = 20.0) -> None:
    """SIGTERM each process we started, then SIGKILL whichever is still alive after `timeout`."""
    for process in processes:
        if process.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                process.popen.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for process in processes:
        try:
            process.popen.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                process.popen.kill()
            process.popen.wait(timeout=5)


def listening_pids(ports: dict[str, int]) -> dict[str, int]:
    """name -> pid of the process listening on each loopback port (the broker, the database server),
    for those found on this machine."""
    found: dict[str, int] = {}
    with contextlib.suppress(psutil.Error):
        for connection in psutil.net_connections(kind="tcp"):
            if connection.status == psutil.CONN_LISTEN and connection.pid:
                for name, port in ports.items():
                    if connection.laddr.port == port:
                        found.setdefault(name, connection.pid)
    return found


def tree_cpu_seconds(pid: int) -> float:
    """CPU time of a process and its children, live and exited (PostgreSQL's backends)."""
    handle = psutil.Process(pid)
    times = handle.cpu_times()
    total = times.user + times.system + times.children_user + times.children_system
    for child in handle.children(recursive=True):
        with contextlib.suppress(psutil.Error):
            child_times = child.cpu_times()
            total += child_times.user + child_times.system
    return total


@dataclass
class RssSampler:
    """Samples each process's resident set size and CPU time every `interval` seconds while running;
    of the infrastructure (`name -> pid`: Kafka, PostgreSQL with its backends) the CPU time only."""

    processes: list[ServiceProcess]
    infrastructure: dict[str, int] = field(default_factory=dict)
    interval: float = 0.5
    _task: asyncio.Task | None = field(default=None, repr=False)
    _infrastructure_cpu: dict[str, float] = field(default_factory=dict, repr=False)

    def sample(self) -> None:
        for name, pid in self.infrastructure.items():
            with contextlib.suppress(psutil.Error):
                self._infrastructure_cpu[name] = tree_cpu_seconds(pid)
        for process in self.processes:
            with contextlib.suppress(psutil.Error):
                handle = psutil.Process(process.pid)
                rss = handle.memory_info().rss
                times = handle.cpu_times()
                process.rss_last = rss
                process.rss_peak = max(process.rss_peak, rss)
                process.cpu_seconds = times.user + times.system

    async def _run(self) -> None:
        while True:
            self.sample()
            await asyncio.sleep(self.interval)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self.sample()

    def cpu_seconds(self) -> dict[str, float]:
        """Each process's CPU time (user + system) so far, sampled now."""
        self.sample()
        return {**{p.name: p.cpu_seconds for p in self.processes}, **self._infrastructure_cpu}

    def summary(self) -> dict[str, dict[str, float]]:
        mib = 1024 * 1024
        return {
            p.name: {
                "rss_peak_mib": round(p.rss_peak / mib, 1),
                "rss_last_mib": round(p.rss_last / mib, 1),
                "cpu_seconds": round(p.cpu_seconds, 1),
            }
            for p in self.processes
        }


class CpuMeter:
    """CPU each process spent from now on: cores used, and CPU ms per report net of the idle cores."""

    def __init__(self, sampler: RssSampler) -> None:
        self._sampler = sampler
        self._started = time.monotonic()
        self._before = sampler.cpu_seconds()

    def cores(self) -> dict[str, float]:
        """CPU seconds per wall second of each process since the meter started."""
        return self._cores(max(time.monotonic() - self._started, 1e-6))

    def _cores(self, wall: float) -> dict[str, float]:
        after = self._sampler.cpu_seconds()
        return {name: round((after[name] - self._before.get(name, 0.0)) / wall, 3) for name in after}

    def step(self, *, reports: int, idle_cores: dict[str, float]) -> dict:
        """A step's CPU: cores used per process over its wall time, and CPU ms per accepted report of
        each process less what it spends idle over the same time (None without reports)."""
        wall = max(time.monotonic() - self._started, 1e-6)
        cores = self._cores(wall)
        net = {
            name: round(1000 * max(0.0, used - idle_cores.get(name, 0.0)) * wall / reports, 2)
            if reports
            else None
            for name, used in cores.items()
        }
        return {
            "wall_seconds": round(wall, 2),
            "cores_by_process": cores,
            "ms_per_report_net_of_idle_by_process": net,
            "idle_subtracted": bool(idle_cores),
        }
