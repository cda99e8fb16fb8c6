"""What authentication costs intake's POST: the same step with a token and without, interleaved.

No switch turns authentication off: beside the system's intake (the shipped access policy, every report
with the hotline's bearer token) a second intake process runs on the same database and Kafka with a
policy variant in which only `POST /v1/reports` is public (`bench.auth.open_intake_policy`), where the
guard verifies no token. One step then sends every other report to each, so both see the same load,
database and moment. The difference of their POST latencies is the price of an authenticated call as
deployed: verifying the token, deciding the policy, and appending the audit record every state-changing
call by a known caller gets (under the service's audit-chain lock, in the same transaction). To tell
them apart, the token verification alone is timed too, in this process, with the services' verifier.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import httpx

from backbone.auth.tokens import TokenVerifier, discovered_jwks
from backbone.settings import Settings
from bench.auth import HOTLINE, POLICE, open_intake_policy
from bench.launch import HOST, Running, SystemOptions, spawn_service
from bench.load import Intake, Senders, run_step
from bench.processes import stop, wait_ready
from bench.reports import Bodies
from bench.stats import latency_ms

log = logging.getLogger("bench")
WITH, WITHOUT = "with_token", "without_token"
VERIFICATIONS = 200


async def time_verification(running: Running, count: int = VERIFICATIONS) -> dict:
    """How long `TokenVerifier.verify` takes for the hotline's token (keys cached after the first)."""
    verifier = TokenVerifier(
        issuer=running.tokens.issuer_url,
        audience=Settings.model_fields["auth_audience"].default,
        jwks=discovered_jwks(running.tokens.issuer_url),
    )
    token = await running.tokens.token(HOTLINE)
    await verifier.verify(token)
    times = []
    for _ in range(count):
        started = time.perf_counter()
        await verifier.verify(token)
        times.append(time.perf_counter() - started)
    return latency_ms(times)


async def measure_authentication_cost(
    running: Running,
    opts: SystemOptions,
    *,
    bodies: Bodies,
    client: Senders,
    poll_client: httpx.AsyncClient,
    logs: Path,
) -> dict:
    """POST latency at `auth_cost_rate` for `auth_cost_seconds`, half the reports with a token."""
    policy = open_intake_policy(logs)
    port = opts.open_intake_port
    env = {**running.environments["intake"], "ACCESS_POLICY_PATH": str(policy)}
    open_intake = spawn_service("intake-open", port, env, logs)
    authenticated = Intake(running.intake_url, lambda: running.tokens.headers(HOTLINE), WITH)
    public = Intake(f"http://{HOST}:{port}/intake/v1/reports", None, WITHOUT)

    async def step(intakes: list[Intake], count: int) -> dict:
        return await run_step(
            client=client,
            poll_client=poll_client,
            police_url=running.police_url,
            police_authorization=lambda: running.tokens.headers(POLICE),
            retirer=None,
            intakes=intakes,
            bodies=bodies.take(count),
            rate=opts.auth_cost_rate,
            drain_timeout=opts.drain_timeout,
        )

    try:
        await wait_ready([open_intake], opts.start_timeout)
        if opts.auth_cost_warmup:
            # The new process's pool and statement caches warm up as the system's intake's already have.
            await step([public], opts.auth_cost_warmup)
        count = max(2, round(opts.auth_cost_rate * opts.auth_cost_seconds))
        result = await step([authenticated, public], count)
    finally:
        stop([open_intake])
    by_intake = result["post_latency_by_intake"]
    cost = {
        "rate_per_s": opts.auth_cost_rate,
        "reports": result["sent"],
        "responses": result["responses"],
        "policy_without_token": str(policy),
        WITH: by_intake[WITH],
        WITHOUT: by_intake[WITHOUT],
        "token_verification": await time_verification(running),
    }
    for p in ("p50_ms", "p99_ms"):
        with_token, without = by_intake[WITH][p], by_intake[WITHOUT][p]
        cost[f"{p.removesuffix('_ms')}_difference_ms"] = (
            None if with_token is None or without is None else round(with_token - without, 2)
        )
    log.info(
        "intake POST p50 with a token %s ms, without %s ms (difference %s ms)",
        by_intake[WITH]["p50_ms"],
        by_intake[WITHOUT]["p50_ms"],
        cost["p50_difference_ms"],
    )
    return cost
