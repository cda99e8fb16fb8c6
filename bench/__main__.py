"""`python -m bench`: raw limits, the system distributed and embedded, deadlines (docs/BENCHMARK.md)."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import psutil

from bench.deadlines import DeadlineOptions, run_deadlines
from bench.infra import REPO_ROOT, Infra
from bench.raw_kafka import run_raw_kafka
from bench.raw_pg import run_raw_pg
from bench.report import ratios, render, targets
from bench.system import SystemOptions, run_mode

log = logging.getLogger("bench")
SMOKE = [
    "--raw-messages",
    "200",
    "--raw-paced-rate",
    "100",
    "--pg-inserts",
    "200",
    "--pg-connections",
    "4",
    "--rates",
    "10",
    "--step-seconds",
    "2",
    "--search-steps",
    "0",
    "--drain-timeout",
    "15",
    "--clocks",
    "1000",
    "--due-clocks",
    "50",
    "--clock-window",
    "2",
    "--warmup-reports",
    "0",
    "--auth-cost-rate",
    "10",
    "--auth-cost-seconds",
    "2",
    "--auth-cost-warmup",
    "4",
    "--idle-seconds",
    "3",
]


def _floats(text: str) -> list[float]:
    return [float(v) for v in text.split(",") if v.strip()]


def _ints(text: str) -> list[int]:
    return [int(float(v)) for v in text.split(",") if v.strip()]


def parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--smoke", action="store_true", help="tiny sizes for a quick check (the smoke test)")
    p.add_argument("--routing-replicas", type=int, default=1, help="routing processes in distributed mode")
    p.add_argument("--sections", default="raw,distributed,embedded,deadlines", help="what to run")
    p.add_argument("--raw-messages", type=int, default=20_000, help="messages through the raw pipeline")
    p.add_argument("--raw-paced-rate", type=float, default=100.0, help="msgs/s of the raw latency run")
    p.add_argument("--pg-inserts", type=int, default=5_000, help="committed inserts per measurement")
    p.add_argument("--pg-connections", type=int, default=10, help="N for the concurrent insert run")
    p.add_argument("--rates", type=_floats, default=[50.0, 100.0, 200.0, 500.0], help="fixed rates, /s")
    p.add_argument("--step-seconds", type=float, default=8.0, help="duration of each fixed rate")
    p.add_argument("--search-steps", type=int, default=6, help="extra steps to find the sustainable rate")
    p.add_argument("--search-seconds", type=float, default=8.0, help="duration of each search step")
    p.add_argument("--search-factor", type=float, default=1.5, help="step-up factor of the search")
    p.add_argument("--drain-timeout", type=float, default=10.0, help="wait after sending for referrals")
    p.add_argument("--warmup-reports", type=int, default=20, help="reports at 10/s before measuring")
    p.add_argument(
        "--retire-seen", action="store_true", help="also move seen referrals out of pending (old harness)"
    )
    p.add_argument("--profile-rate", type=float, default=None, help="py-spy the services at this rate")
    p.add_argument("--profile-seconds", type=float, default=15.0)
    p.add_argument("--clocks", type=_ints, default=[100_000, 1_000_000], help="running clocks per run")
    p.add_argument("--due-clocks", type=int, default=2_000, help="clocks falling due in the window")
    p.add_argument("--clock-window", type=float, default=20.0, help="seconds over which they fall due")
    p.add_argument("--distributed-port", type=int, default=8001, help="intake's port; the others follow")
    p.add_argument("--embedded-port", type=int, default=8000)
    p.add_argument("--issuer-port", type=int, default=None, help="the issuer's (default: intake's - 1)")
    p.add_argument("--auth-cost-rate", type=float, default=5.0, help="reports/s of the token-cost step")
    p.add_argument(
        "--auth-cost-seconds", type=float, default=10.0, help="its duration (0: skip; distributed only)"
    )
    p.add_argument("--auth-cost-warmup", type=int, default=10, help="reports warming the open intake")
    p.add_argument("--idle-seconds", type=float, default=60.0, help="idle seconds counted (0: skip)")
    p.add_argument("--deadlines-port", type=int, default=8002, help="routing's port for the deadlines")
    p.add_argument("--log-level", default="INFO", help="LOG_LEVEL of the services")
    p.add_argument("--results-dir", type=Path, default=REPO_ROOT / "bench" / "results")
    p.add_argument("--keep-databases", action="store_true", help="do not drop the bench_* databases")
    # --smoke sets the tiny sizes first, so options given beside it still win.
    return p.parse_args([*SMOKE, *argv] if "--smoke" in argv else argv)


def _machine() -> str:
    memory = psutil.virtual_memory().total / 2**30
    system = f"{platform.platform()}, Python {platform.python_version()}"
    return f"{platform.node()}: {os.cpu_count()} cores, {memory:.0f} GiB, {system}"


async def run(args: argparse.Namespace) -> dict:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    tag = f"bench_{stamp.lower()}"
    sections = set(args.sections.split(","))
    logs = REPO_ROOT / ".local-infra" / "bench" / stamp
    result: dict = {
        "meta": {
            "timestamp": stamp,
            "machine": _machine(),
            "namespace": f"{tag}.",
            "options": {k: str(v) for k, v in vars(args).items()},
        }
    }
    infra = Infra.up()
    result["meta"].update(kafka=infra.kafka, started_infra=list(infra.started), logs=str(logs))
    started = time.perf_counter()
    try:
        if "raw" in sections:
            log.info("raw kafka pipeline: %d messages", args.raw_messages)
            result["raw"] = {
                "kafka": await run_raw_kafka(
                    infra.kafka, f"{tag}.", messages=args.raw_messages, paced_rate=args.raw_paced_rate
                )
            }
            log.info("raw asyncpg inserts: %d", args.pg_inserts)
            raw_db = await infra.create_database(f"{tag}_raw")
            result["raw"]["postgres"] = await run_raw_pg(
                raw_db, inserts=args.pg_inserts, connections=args.pg_connections
            )
        system_options = SystemOptions(
            rates=args.rates,
            step_seconds=args.step_seconds,
            search_seconds=args.search_seconds,
            search_steps=args.search_steps,
            search_factor=args.search_factor,
            drain_timeout=args.drain_timeout,
            distributed_port=args.distributed_port,
            routing_replicas=args.routing_replicas,
            embedded_port=args.embedded_port,
            log_level=args.log_level,
            start_timeout=120,
            retire_seen=args.retire_seen,
            profile_rate=args.profile_rate,
            profile_seconds=args.profile_seconds,
            warmup_reports=args.warmup_reports,
            issuer_port=args.issuer_port,
            auth_cost_rate=args.auth_cost_rate,
            auth_cost_seconds=args.auth_cost_seconds,
            auth_cost_warmup=args.auth_cost_warmup,
            idle_seconds=args.idle_seconds,
        )
        result["system"] = {}
        for mode in ("distributed", "embedded"):
            if mode in sections:
                log.info("system %s: rates %s", mode, args.rates)
                result["system"][mode] = await run_mode(mode, infra, system_options, tag=tag, logs=logs)
        if "deadlines" in sections:
            options = DeadlineOptions(
                sizes=args.clocks,
                due=args.due_clocks,
                window=args.clock_window,
                lead=3.0,
                port=args.deadlines_port,
                log_level=args.log_level,
                start_timeout=120,
            )
            result["deadlines"] = await run_deadlines(infra, options, tag=tag, logs=logs)
    finally:
        if not args.keep_databases:
            await infra.drop_databases()
        try:
            await infra.delete_topics(f"{tag}.")
        finally:
            infra.down()
    result["meta"]["seconds"] = round(time.perf_counter() - started, 1)
    result["ratios"] = ratios(result)
    result["targets"] = targets(result)
    return result


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stderr)
    for noisy in ("httpx", "aiokafka", "alembic"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    args = parse(sys.argv[1:] if argv is None else argv)
    try:
        import uvloop
    except ImportError:
        result = asyncio.run(run(args))
    else:
        result = uvloop.run(run(args))
    args.results_dir.mkdir(parents=True, exist_ok=True)
    path = args.results_dir / f"{result['meta']['timestamp']}.json"
    path.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    print(render(result))
    print(f"\nresults: {path}")
    print(f"picture: {_draw(result, path)}")
    return 0


def _draw(result: dict, path: Path) -> Path | str:
    """The picture beside the JSON (bench/plot.py); the JSON stands if matplotlib is not installed."""
    try:
        from bench.plot import draw, picture_path
    except ImportError as missing:
        return f"not drawn ({missing.name} is not installed: pip install -e '.[dev]')"
    return draw(result, picture_path(path))


if __name__ == "__main__":
    raise SystemExit(main())
