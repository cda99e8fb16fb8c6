"""Starting the system under test: the issuer and six services (distributed) or one process (embedded)."""

from __future__ import annotations

import secrets
import socket
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bench.auth import HOTLINE, POLICE, Tokens
from bench.infra import Infra
from bench.processes import RssSampler, ServiceProcess, listening_pids, spawn, stop, wait_ready
from contracts.catalogue import SERVICES

HOST = "127.0.0.1"


@dataclass
class SystemOptions:
    rates: list[float]
    step_seconds: float
    search_seconds: float
    search_steps: int
    search_factor: float
    drain_timeout: float
    distributed_port: int
    embedded_port: int
    log_level: str
    start_timeout: float
    retire_seen: bool
    profile_rate: float | None
    profile_seconds: float
    warmup_reports: int = 20
    # Extra routing processes in distributed mode: one consumer group shares the partitions, and the
    # relay and deadline timer are safe with replicas.
    routing_replicas: int = 1
    # The built-in issuer's own process in distributed mode (default: intake's port - 1).
    issuer_port: int | None = None
    # Intake's POST with a token and without (distributed mode), interleaved in one step at this rate.
    auth_cost_rate: float = 5.0
    auth_cost_seconds: float = 10.0
    auth_cost_warmup: int = 10
    # Seconds of no load, just after start, over which idle statements are counted (0: skip).
    idle_seconds: float = 60.0

    @property
    def distributed_issuer_port(self) -> int:
        return self.issuer_port or self.distributed_port - 1

    @property
    def open_intake_port(self) -> int:
        """The second intake process of the authentication cost, after the services and replicas."""
        return self.distributed_port + len(SERVICES) + max(0, self.routing_replicas - 1)


@dataclass
class Running:
    processes: list[ServiceProcess]
    database_url: str
    intake_url: str
    police_url: str
    start_seconds: float
    tokens: Tokens
    # Each distributed service's environment, to start another process of one (the authentication cost).
    environments: dict[str, dict[str, str]] = field(default_factory=dict)
    sampler: RssSampler = field(init=False)


def port_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex((HOST, port)) != 0


def uvicorn_args(app: str, port: int) -> list[str]:
    return ["-m", "uvicorn", app, "--host", HOST, "--port", str(port), "--no-access-log"]


def spawn_service(name: str, port: int, env: dict[str, str], log_dir: Path) -> ServiceProcess:
    """One distributed service process (`routing-2`: a second routing)."""
    service = name.split("-")[0]
    args = uvicorn_args(f"services.{service}.main:app", port)
    return spawn(name, args, env, port=port, ready_path=f"/{service}/readyz", log_dir=log_dir)


async def start_system(
    mode: str, infra: Infra, opts: SystemOptions, name: str, namespace: str, logs: Path
) -> Running:
    """A fresh database, the processes of `mode`, ready; tokens from the issuer they trust."""
    database_url = await infra.create_database(name)
    run_dir = logs / name
    if mode == "distributed":
        ports = {service: opts.distributed_port + i for i, service in enumerate(SERVICES)}
        for replica in range(2, opts.routing_replicas + 1):
            ports[f"routing-{replica}"] = opts.distributed_port + len(SERVICES) + replica - 2
        ports["issuer"] = opts.distributed_issuer_port
    else:
        ports = {"backbone": opts.embedded_port}
    taken = [p for p in ports.values() if not port_free(p)]
    if taken:
        raise RuntimeError(
            f"ports {taken} are in use; choose others (--distributed-port/--embedded-port/--issuer-port)"
        )
    # A fresh database per run, so a fresh key ring (created by intake on start) beside its logs; the
    # issuer's accounts' secrets and keys in <run_dir>/identity, never in the developer's .data/.
    common = {
        "DATABASE_URL": database_url,
        "LOG_LEVEL": opts.log_level,
        "SEALING_KEY_FILE": str(run_dir / "sealing-keys.json"),
        "BACKBONE_DATA_DIR": str(run_dir),
        # Given, not drawn by whichever process starts first: the services start at the same moment.
        "DATABASE_ROLE_SECRET": secrets.token_urlsafe(32),
    }
    environments: dict[str, dict[str, str]] = {}
    if mode == "distributed":
        issuer_port = ports.pop("issuer")
        issuer_base = f"http://{HOST}:{issuer_port}"
        issuer = spawn(
            "issuer",
            uvicorn_args("backbone.issuer.main:app", issuer_port),
            {**common, "BACKBONE_PUBLIC_URL": issuer_base},
            port=issuer_port,
            ready_path="/readyz",
            log_dir=run_dir,
        )
        processes = [issuer]
        for service, port in ports.items():
            environments[service] = {
                **common,
                "BACKBONE_SERVICES": service.split("-")[0],
                "BACKBONE_TRANSPORT": "kafka",
                "KAFKA_BOOTSTRAP_SERVERS": infra.kafka,
                "KAFKA_NAMESPACE": namespace,
                "AUTH_ISSUER": f"{issuer_base}/issuer",
                "SERVICE_API_URLS": ",".join(
                    f"{name.split('-')[0]}=http://{HOST}:{other}" for name, other in ports.items()
                ),
            }
            processes.append(spawn_service(service, port, environments[service], run_dir))
        intake, police = ports["intake"], ports["police"]
    else:
        port = ports["backbone"]
        issuer_base = f"http://{HOST}:{port}"
        env = {
            **common,
            "BACKBONE_TRANSPORT": "embedded",
            "BACKBONE_PORT": str(port),
            "BACKBONE_PUBLIC_URL": issuer_base,
        }
        processes = [
            spawn("backbone", ["-m", "backbone.run"], env, port=port, ready_path="/readyz", log_dir=run_dir)
        ]
        intake = police = port
    tokens = Tokens(f"{issuer_base}/issuer", run_dir / "identity" / "secrets.json")
    try:
        seconds = await wait_ready(processes, opts.start_timeout)
        for account in (HOTLINE, POLICE):  # before the first request, so none waits for one
            await tokens.token(account)
    except BaseException:
        stop(processes)
        await tokens.aclose()
        raise
    running = Running(
        processes,
        database_url,
        f"http://{HOST}:{intake}/intake/v1/reports",
        f"http://{HOST}:{police}/police/v1/referrals",
        round(seconds, 2),
        tokens,
        environments,
    )
    running.sampler = RssSampler(processes, infrastructure=infrastructure_pids(infra))
    running.sampler.start()
    return running


def infrastructure_pids(infra: Infra) -> dict[str, int]:
    """The broker's and the database server's pids, when they run on this machine."""
    ports = {"postgresql": urlsplit(infra.database_url).port or 5432}
    if infra.kafka:
        ports["kafka"] = int(infra.kafka.split(",")[0].rsplit(":", 1)[1])
    return listening_pids(ports)
