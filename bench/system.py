"""The system under open-loop load, distributed (six uvicorn processes and the issuer, Kafka) or embedded
(one process), every request with a bearer token; in distributed mode also what authentication costs."""

from __future__ import annotations

import logging
import math
from pathlib import Path

import httpx

from bench.auth import HOTLINE, POLICE
from bench.auth_cost import measure_authentication_cost
from bench.idle import measure_idle
from bench.infra import Infra
from bench.launch import Running, SystemOptions, start_system
from bench.load import Intake, Retirer, Senders, run_step
from bench.processes import CpuMeter, stop
from bench.profiling import profile_processes
from bench.reports import Bodies

__all__ = ["SystemOptions", "run_mode"]

log = logging.getLogger("bench")


async def run_mode(mode: str, infra: Infra, opts: SystemOptions, *, tag: str, logs: Path) -> dict:
    """Fixed rates, then a search for the highest sustainable rate; RSS and (optionally) a profile."""
    namespace = f"{tag}.{mode}."
    bodies = Bodies()
    generation = 0
    running = await start_system(mode, infra, opts, f"{tag}_{mode}_0", namespace, logs)
    start_seconds = [running.start_seconds]
    rss: dict[str, dict] = {}
    client = Senders(timeout=opts.drain_timeout + 30)
    poll_client = httpx.AsyncClient(timeout=10)
    retirer: Retirer | None = None

    async def step(rate: float, seconds: float) -> dict:
        nonlocal running, generation, retirer
        tokens = running.tokens
        cpu = CpuMeter(running.sampler)
        result = await run_step(
            client=client,
            poll_client=poll_client,
            police_url=running.police_url,
            police_authorization=lambda: tokens.headers(POLICE),
            retirer=retirer,
            intakes=[Intake(running.intake_url, lambda: tokens.headers(HOTLINE))],
            bodies=bodies.take(max(1, round(rate * seconds))),
            rate=rate,
            drain_timeout=opts.drain_timeout,
        )
        result["cpu"] = cpu.step(reports=result["accepted"], idle_cores=idle_cores)
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
            running = await start_system(
                mode, infra, opts, f"{tag}_{mode}_{generation}", namespace + f"{generation}.", logs
            )
            start_seconds.append(running.start_seconds)
            retirer = await _retirer(running, opts)
            result["system_restarted_after"] = True
        return result

    idle = None
    idle_cores: dict[str, float] = {}
    try:
        retirer = await _retirer(running, opts)
        if opts.idle_seconds:
            meter = CpuMeter(running.sampler)
            idle = await measure_idle(running.database_url, seconds=opts.idle_seconds)
            idle_cores = meter.cores()
            idle["cpu_cores_by_process"] = idle_cores
        if opts.warmup_reports:
            await step(10.0, opts.warmup_reports / 10.0)
        fixed = [await step(rate, opts.step_seconds) for rate in opts.rates]
        search, highest = await _search(step, fixed, opts)
        authentication = None
        if mode == "distributed" and opts.auth_cost_seconds > 0:
            log.info("%s: intake POST with a token and without, at %.0f/s", mode, opts.auth_cost_rate)
            authentication = await measure_authentication_cost(
                running,
                opts,
                bodies=bodies,
                client=client,
                poll_client=poll_client,
                logs=logs / f"{tag}_{mode}_auth",
            )
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
        "authentication_cost": authentication,
        "idle": idle,
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
    await running.tokens.aclose()
    return running.sampler.summary()


def _merge_rss(into: dict[str, dict], summary: dict[str, dict]) -> None:
    for name, figures in summary.items():
        if name not in into:
            into[name] = dict(figures)
        else:
            into[name]["rss_peak_mib"] = max(into[name]["rss_peak_mib"], figures["rss_peak_mib"])
            into[name]["rss_last_mib"] = figures["rss_last_mib"]
            into[name]["cpu_seconds"] = round(into[name]["cpu_seconds"] + figures["cpu_seconds"], 1)
