"""Ratios against the raw limits, the targets, and the table printed on stdout."""

from __future__ import annotations

from bench.stats import ratio

MB_LIMIT = 200


def _step_at(mode: dict | None, rate: float) -> dict | None:
    if not mode:
        return None
    return next((s for s in mode["fixed_rates"] if s["offered_rate_per_s"] == rate), None)


def ratios(result: dict) -> dict:
    """System figures over the raw ones of step 1."""
    raw = result.get("raw", {})
    kafka = raw.get("kafka", {})
    pg = raw.get("postgres", {})
    out: dict[str, float | None] = {}
    for name, mode in result.get("system", {}).items():
        best = mode["highest_sustainable_per_s"]
        out[f"{name}_sustained_over_raw_kafka_throughput"] = ratio(
            best, kafka.get("saturated", {}).get("throughput_msgs_per_s")
        )
        out[f"{name}_sustained_over_raw_pg_inserts_concurrent"] = ratio(
            best, pg.get("concurrent", {}).get("inserts_per_s")
        )
        # Latency where the system keeps up (its best sustained step), else at the lowest fixed rate.
        held = [s for s in mode["fixed_rates"] + mode["search"] if s["sustainable"]]
        pool = held or mode["fixed_rates"]
        lowest = (
            max(pool, key=lambda s: s["offered_rate_per_s"])
            if held
            else min(pool, key=lambda s: s["offered_rate_per_s"])
        )
        paced = kafka.get("paced", {}).get("latency", {})
        for p in ("p50_ms", "p99_ms"):
            out[f"{name}_{p}_at_{lowest['offered_rate_per_s']:g}_over_raw_kafka_paced"] = ratio(
                lowest["latency_post_to_police"][p], paced.get(p)
            )
    return out


IDLE_STATEMENTS_PER_MINUTE = 50
CPU_MS_PER_REPORT = 4
RAW_SHARE = 0.08


def cpu_per_report(mode: dict | None) -> float | None:
    """CPU ms per report summed over every process measured, at the highest sustained step (else the
    lowest fixed rate); None when the step measured none."""
    if not mode:
        return None
    steps = [s for s in mode["fixed_rates"] + mode["search"] if s.get("cpu")]
    held = [s for s in steps if s["sustainable"]]
    if not steps:
        return None
    step = (
        max(held, key=lambda s: s["offered_rate_per_s"])
        if held
        else min(steps, key=lambda s: s["offered_rate_per_s"])
    )
    per = step["cpu"]["ms_per_report_net_of_idle_by_process"]
    return None if any(v is None for v in per.values()) else round(sum(per.values()), 1)


def targets(result: dict) -> list[dict]:
    """Each target with the measured value and whether it is met (None: not measured)."""
    system = result.get("system", {})
    dist = system.get("distributed")
    rows = []
    for mode, floor in (("distributed", 500), ("embedded", 300)):
        figures = system.get(mode)
        best = figures["highest_sustainable_per_s"] if figures else None
        rows.append(
            {
                "target": f">= {floor} reports/s sustained end to end ({mode})",
                "measured": best,
                "met": None if figures is None else (best or 0) >= floor,
            }
        )
    at100 = _step_at(dist, 100)
    p99 = at100["latency_post_to_police"]["p99_ms"] if at100 else None
    rows.append(
        {
            "target": "p99 POST-to-police-referral <= 250 ms at 100/s (distributed)",
            "measured": p99,
            "met": None
            if at100 is None
            else (p99 is not None and p99 <= 250 and at100["unseen_after_drain"] == 0),
        }
    )
    post99 = at100["post_latency"]["p99_ms"] if at100 else None
    rows.append(
        {
            "target": "intake POST p99 <= 50 ms at 100/s, every report answered 202 (distributed)",
            "measured": post99,
            "met": None
            if at100 is None
            else (post99 is not None and post99 <= 50 and at100["accepted"] == at100["sent"]),
        }
    )
    cpu = cpu_per_report(dist)
    rows.append(
        {
            "target": f"CPU <= {CPU_MS_PER_REPORT} ms per P1 report, all processes with Kafka and "
            "PostgreSQL, net of idle, at the highest sustained rate (distributed)",
            "measured": cpu,
            "met": None if cpu is None else cpu <= CPU_MS_PER_REPORT,
        }
    )
    deadlines = result.get("deadlines") or []
    biggest = max(deadlines, key=lambda d: d["running_clocks"], default=None)
    delay = biggest["delay_due_to_kafka_record"]["p99_ms"] if biggest else None
    clocks = biggest["running_clocks"] if biggest else 1_000_000
    rows.append(
        {
            "target": f"breach delay p99 < 1 s with {clocks:,} clocks",
            "measured": delay,
            "met": None
            if biggest is None
            else (
                delay is not None and delay < 1000 and biggest["breached_seen"] == biggest["due_in_window"]
            ),
        }
    )
    peaks = {f"{m}:{n}": f["rss_peak_mib"] for m, mode in system.items() for n, f in mode["rss"].items()}
    if deadlines:
        peaks["deadlines:routing"] = max(d["routing_rss"]["rss_peak_mib"] for d in deadlines)
    worst = max(peaks.items(), key=lambda item: item[1], default=(None, None))
    rows.append(
        {
            "target": f"each service < {MB_LIMIT} MB RSS (peak, MiB)",
            "measured": worst[1],
            "worst": worst[0],
            "met": None if not peaks else worst[1] < MB_LIMIT,
        }
    )
    share = result.get("ratios", {}).get("distributed_sustained_over_raw_kafka_throughput")
    rows.append(
        {
            "target": f"system throughput >= {RAW_SHARE} of the raw pipeline (distributed)",
            "measured": share,
            "met": None if share is None else share >= RAW_SHARE,
        }
    )
    for mode, figures in system.items():
        idle = (figures.get("idle") or {}).get("statements_per_minute")
        rows.append(
            {
                "target": f"idle: <= {IDLE_STATEMENTS_PER_MINUTE} SQL statements a minute ({mode})",
                "measured": idle,
                "met": None if idle is None else idle <= IDLE_STATEMENTS_PER_MINUTE,
            }
        )
    return rows


def _fmt(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 10 else f"{value:.3g}"
    return str(value)


def _cpu_lines(steps: list[dict]) -> list[str]:
    """CPU ms per accepted report of each process, net of what it spends idle, for each step."""
    measured = [s for s in steps if s.get("cpu")]
    if not measured:
        return []
    names = list(measured[0]["cpu"]["ms_per_report_net_of_idle_by_process"])
    net = "net of idle" if measured[0]["cpu"]["idle_subtracted"] else "idle not measured: gross"
    lines = [
        f"  CPU ms per report by process ({net}):",
        f"  {'offered/s':>9} " + " ".join(f"{n[:13]:>13}" for n in names) + f" {'all':>9}",
    ]
    for step in measured:
        per = step["cpu"]["ms_per_report_net_of_idle_by_process"]
        total = sum(v for v in per.values() if v is not None) if any(per.values()) else None
        cells = " ".join(f"{_fmt(per.get(n)):>13}" for n in names)
        lines.append(f"  {_fmt(step['offered_rate_per_s']):>9} {cells} {_fmt(total):>9}")
    return lines


def render(result: dict) -> str:
    """The readable table."""
    lines = [f"Benchmark {result['meta']['timestamp']} on {result['meta']['machine']}", ""]
    raw = result.get("raw", {})
    if "kafka" in raw:
        for name in ("saturated", "paced"):
            k = raw["kafka"][name]
            lat = k["latency"]
            lines.append(
                f"raw kafka 3 hops {name:9}: {_fmt(k['throughput_msgs_per_s'])} msg/s  p50 "
                f"{_fmt(lat['p50_ms'])} p95 {_fmt(lat['p95_ms'])} p99 {_fmt(lat['p99_ms'])} ms "
                f"({k['messages']} msgs)"
            )
    if "postgres" in raw:
        for name in ("one_connection", "concurrent"):
            p = raw["postgres"][name]
            lines.append(
                f"raw asyncpg inserts, {p['connections']:>2} conn: {_fmt(p['inserts_per_s'])} commits/s  "
                f"p50 {_fmt(p['latency']['p50_ms'])} p99 {_fmt(p['latency']['p99_ms'])} ms"
            )
    for name, mode in result.get("system", {}).items():
        lines += [
            "",
            f"system {name} ({mode['processes']} process(es)); start {mode['start_seconds']} s",
            f"  {'offered/s':>9} {'sent':>6} {'achieved/s':>10} {'p50 ms':>9} {'p95 ms':>9} {'p99 ms':>9} "
            f"{'unseen':>6} {'POST p99':>9} {'503s':>5} {'ok?':>4}",
        ]
        for step in mode["fixed_rates"] + mode["search"]:
            lat = step["latency_post_to_police"]
            lines.append(
                f"  {_fmt(step['offered_rate_per_s']):>9} {step['sent']:>6} "
                f"{_fmt(step['achieved_per_s']):>10} "
                f"{_fmt(lat['p50_ms']):>9} {_fmt(lat['p95_ms']):>9} {_fmt(lat['p99_ms']):>9} "
                f"{step['unseen_after_drain']:>6} {_fmt(step['post_latency']['p99_ms']):>9} "
                f"{step.get('responses', {}).get('503', 0):>5} {'yes' if step['sustainable'] else 'no':>4}"
            )
        lines.append(f"  highest sustainable: {_fmt(mode['highest_sustainable_per_s'])} reports/s")
        lines += _cpu_lines(mode["fixed_rates"] + mode["search"])
        if cost := mode.get("authentication_cost"):
            with_token, without = cost["with_token"], cost["without_token"]
            lines.append(
                f"  intake POST p50 with a token {_fmt(with_token['p50_ms'])} ms, without "
                f"{_fmt(without['p50_ms'])} ms: authentication costs {_fmt(cost['p50_difference_ms'])} ms "
                f"(p99 {_fmt(with_token['p99_ms'])} / {_fmt(without['p99_ms'])} ms; "
                f"{with_token['count']} + {without['count']} reports at {_fmt(cost['rate_per_s'])}/s)"
            )
            verify = cost["token_verification"]
            lines.append(
                f"  of which verifying the token: p50 {_fmt(verify['p50_ms'])} ms, p99 "
                f"{_fmt(verify['p99_ms'])} ms ({verify['count']} verifications in the load generator)"
            )
        rss = ", ".join(f"{n} {f['rss_peak_mib']:.0f}" for n, f in mode["rss"].items())
        lines.append(f"  peak RSS MiB: {rss}")
    for d in result.get("deadlines") or []:
        k, f = d["delay_due_to_kafka_record"], d["delay_due_to_fired_at"]
        lines.append(
            f"deadlines {d['running_clocks']:>9,} clocks: "
            f"{d['breached_seen']}/{d['due_in_window']} breached; "
            f"delay to Kafka p50 {_fmt(k['p50_ms'])} p99 {_fmt(k['p99_ms'])} ms; to fired_at p50 "
            f"{_fmt(f['p50_ms'])} p99 {_fmt(f['p99_ms'])} ms; routing RSS "
            f"{d['routing_rss']['rss_peak_mib']:.0f} MiB"
        )
    if result.get("ratios"):
        lines += ["", "ratios (system / raw):"] + [f"  {k}: {_fmt(v)}" for k, v in result["ratios"].items()]
    lines += ["", "targets:"]
    for t in result.get("targets", []):
        verdict = {True: "MET", False: "MISSED", None: "not measured"}[t["met"]]
        lines.append(f"  [{verdict:>12}] {t['target']}: {_fmt(t['measured'])}")
    return "\n".join(lines)
