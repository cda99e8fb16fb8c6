"""The system under open-loop load, distributed (six uvicorn processes, Kafka) or embedded (one process)."""

from __future__ import annotations

import logging
import math
import socket
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.infra import Infra
from bench.load import Retirer, Senders, run_step
from bench.processes import RssSampler, ServiceProcess, spawn, stop, wait_ready
from bench.profiling import profile_processes
from bench.reports import Bodies
from contracts.catalogue import SERVICES

log = logging.getLogger("bench")


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


@dataclass
class Running:
    processes: list[ServiceProcess]
    database_url: str
    intake_url: str
    police_url: str
    start_seconds: float
    sampler: RssSampler = field(init=False)


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


async def _start(mode: str, infra: Infra, opts: SystemOptions, name: str, namespace: str, logs: Path):
    database_url = await infra.create_database(name)
    if mode == "distributed":
        ports = {service: opts.distributed_port + i for i, service in enumerate(SERVICES)}
        for replica in range(2, opts.routing_replicas + 1):
            ports[f"routing-{replica}"] = opts.distributed_port + len(SERVICES) + replica - 2
    else:
        ports = {"backbone": opts.embedded_port}
    taken = [p for p in ports.values() if not _port_free(p)]
    if taken:
        raise RuntimeError(f"ports {taken} are in use; choose others (--distributed-port/--embedded-port)")
    # A fresh database per run, so a fresh key ring (created by intake on start) beside its logs.
    common = {
        "DATABASE_URL": database_url,
        "LOG_LEVEL": opts.log_level,
        "SEALING_KEY_FILE": str(logs / name / "sealing-keys.json"),
    }
    if mode == "distributed":
        processes = [
            spawn(
                service,
                [
                    "-m",
                    "uvicorn",
                    f"services.{service.split('-')[0]}.main:app",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--no-access-log",
                ],
                {
                    **common,
                    "BACKBONE_SERVICES": service.split("-")[0],
                    "BACKBONE_TRANSPORT": "kafka",
                    "KAFKA_BOOTSTRAP_SERVERS": infra.kafka,
                    "KAFKA_NAMESPACE": namespace,
                },
                port=port,
                ready_path=f"/{service.split('-')[0]}/readyz",
                log_dir=logs / name,
            )
            for service, port in ports.items()
        ]
        intake, police = ports["intake"], ports["police"]
    else:
        port = ports["backbone"]
        env = {**common, "BACKBONE_TRANSPORT": "embedded", "BACKBONE_PORT": str(port)}
        processes = [
            spawn(
                "backbone", ["-m", "backbone.run"], env, port=port, ready_path="/readyz", log_dir=logs / name
            )
        ]
        intake = police = port
    try:
        seconds = await wait_ready(processes, opts.start_timeout)
    except BaseException:
        stop(processes)
        raise
    running = Running(
        processes,
        database_url,
        f"http://127.0.0.1:{intake}/intake/v1/reports",
        f"http://127.0.0.1:{police}/police/v1/referrals",
        round(seconds, 2),
    )
    running.sampler = RssSampler(processes)
    running.sampler.start()
    return running


async def run_mode(mode: str, infra: Infra, opts: SystemOptions, *, tag: str, logs: Path) -> dict:
    """Fixed rates, then a search for the highest sustainable rate; RSS and (optionally) a profile."""
    namespace = f"{tag}.{mode}."
    bodies = Bodies()
    generation = 0
    running = await _start(mode, infra, opts, f"{tag}_{mode}_0", namespace, logs)
    start_seconds = [running.start_seconds]
    rss: dict[str, dict] = {}
    client = Senders(timeout=opts.drain_timeout + 30)
    poll_client = httpx.AsyncClient(timeout=10)
    retirer: Retirer | None = None

    async def step(rate: float, seconds: float) -> dict:
        nonlocal running, generation, retirer
        result = await run_step(
            client=client,
            poll_client=poll_client,
            police_url=running.police_url,
            retirer=retirer,
            intake_url=running.intake_url,
            bodies=bodies.take(max(1, round(rate * seconds))),
            rate=rate,
            drain_timeout=opts.drain_timeout,
        )
        log.info(
            "%s %5.0f/s: achieved %.1f/s, p50 %s ms, p99 %s ms, sustainable %s",
            mode,
            rate,
            result["achieved_per_s"],
            result["latency_post_to_police"]["p50_ms"],
            result["latency_post_to_police"]["p99_ms"],
            result["sustainable"],
        )
        if result["unseen_after_drain"] or result["accepted"] < result["sent"]:
            # A backlog is left behind: the next step gets a fresh system, not this one's leftovers.
            _merge_rss(rss, await _shutdown(running, retirer))
            generation += 1
            bodies.reset()
            running = await _start(
                mode, infra, opts, f"{tag}_{mode}_{generation}", namespace + f"{generation}.", logs
            )
            start_seconds.append(running.start_seconds)
            retirer = await _retirer(running, opts)
            result["system_restarted_after"] = True
        return result

    try:
        retirer = await _retirer(running, opts)
        if opts.warmup_reports:
            await step(10.0, opts.warmup_reports / 10.0)
        fixed = [await step(rate, opts.step_seconds) for rate in opts.rates]
        search, highest = await _search(step, fixed, opts)
        profile = None
        if opts.profile_rate:
            log.info("%s: profiling at %.0f/s for %.0f s", mode, opts.profile_rate, opts.profile_seconds)
            profile = await profile_processes(
                running.processes,
                step(opts.profile_rate, opts.profile_seconds),
                opts.profile_seconds,
                logs / f"{tag}_{mode}_profile",
            )
    finally:
        _merge_rss(rss, await _shutdown(running, retirer))
        await client.aclose()
        await poll_client.aclose()
    return {
        "mode": mode,
        "processes": len(running.processes),
        "start_seconds": start_seconds,
        "fixed_rates": fixed,
        "search": search,
        "highest_sustainable_per_s": highest,
        "rss": rss,
        "profile": profile,
    }


async def _search(step, fixed: list[dict], opts: SystemOptions) -> tuple[list[dict], float | None]:
    """Bracket the highest sustainable rate with the fixed steps, then narrow it step by step:
    up by `search_factor` while it holds, down by half while it does not, then bisect (geometric)."""
    low = max((r["offered_rate_per_s"] for r in fixed if r["sustainable"]), default=None)
    failed = [r["offered_rate_per_s"] for r in fixed if not r["sustainable"]]
    high = min((r for r in failed if low is None or r > low), default=None)
    results = []
    for _ in range(opts.search_steps):
        if low is None:
            rate = high / 2
        elif high is None:
            rate = low * opts.search_factor
        elif high / low <= 1.15:
            break
        else:
            rate = math.sqrt(low * high)
        result = await step(round(rate, 1), opts.search_seconds)
        results.append(result)
        if result["sustainable"]:
            low = rate
        else:
            high = rate
    return results, None if low is None else round(low, 1)


async def _retirer(running: Running, opts: SystemOptions) -> Retirer | None:
    if not opts.retire_seen:
        return None
    retirer = Retirer(running.database_url)
    await retirer.start()
    return retirer


async def _shutdown(running: Running, retirer: Retirer | None) -> dict[str, dict]:
    if retirer is not None:
        await retirer.stop()
    await running.sampler.stop()
    stop(running.processes)
    return running.sampler.summary()


def _merge_rss(into: dict[str, dict], summary: dict[str, dict]) -> None:
    for name, figures in summary.items():
        if name not in into:
            into[name] = dict(figures)
        else:
            into[name]["rss_peak_mib"] = max(into[name]["rss_peak_mib"], figures["rss_peak_mib"])
            into[name]["rss_last_mib"] = figures["rss_last_mib"]
            into[name]["cpu_seconds"] = round(into[name]["cpu_seconds"] + figures["cpu_seconds"], 1)
