"""Open-loop load: POST reports on a wall-clock schedule, watch police referrals appear via the police API."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import asyncpg
import httpx
import psutil

from bench.infra import plain_dsn
from bench.stats import latency_ms, slope

POLL_INTERVAL = 0.02
CURSOR_OVERLAP = timedelta(seconds=5)
HEADERS = {"content-type": "application/json"}
Authorization = Callable[[], Awaitable[dict[str, str]]]


@dataclass(frozen=True)
class Intake:
    """Where reports are POSTed, and the Authorization header they carry (None: no token)."""

    url: str
    authorization: Authorization | None
    label: str = "intake"

    async def headers(self) -> dict[str, str]:
        return {**HEADERS, **(await self.authorization())} if self.authorization else HEADERS


class Retirer:
    """Optionally (`--retire-seen`) moves referrals the poller has seen out of `pending`, straight in the
    police schema. Not needed since the inbox can be polled with `received_after`; kept to compare."""

    def __init__(self, database_url: str, schema: str = "police") -> None:
        self._dsn, self._schema = plain_dsn(database_url), schema
        self._connection: asyncpg.Connection | None = None
        self._waiting: list[str] = []
        self._busy: asyncio.Task | None = None

    async def start(self) -> None:
        self._connection = await asyncpg.connect(self._dsn, server_settings={"search_path": self._schema})

    def retire(self, referral_ids: list[str]) -> None:
        self._waiting.extend(referral_ids)
        if self._waiting and (self._busy is None or self._busy.done()):
            self._busy = asyncio.create_task(self._flush())

    async def _flush(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            await self._connection.execute(
                "UPDATE agency_referrals SET status = 'accepted', accepted_at = now(), accepted_by = 'bench' "
                "WHERE referral_id = ANY($1::text[]) AND status = 'pending'",
                batch,
            )

    async def stop(self) -> None:
        if self._busy is not None:
            with contextlib.suppress(Exception):
                await self._busy
        if self._connection is not None:
            await self._connection.close()


class Poller:
    """One GET of pending police referrals every 20 ms, as the police dispatch system; first-seen time per
    case_id."""

    def __init__(
        self, client: httpx.AsyncClient, url: str, authorization: Authorization, retirer: Retirer | None
    ) -> None:
        self.client, self.url, self.authorization, self.retirer = client, url, authorization, retirer
        self.seen: dict[str, float] = {}
        self.durations: list[float] = []
        self.max_rows = 0
        self.errors = 0
        self.baseline = 0
        self.retired: set[str] = set()
        self.cursor: str | None = None

    async def prime(self) -> None:
        """Note what is pending before the step (left by an earlier one) so it is not counted."""
        await self.poll_once()
        self.baseline = len(self.seen)
        self.durations.clear()

    async def poll_once(self) -> None:
        started = time.perf_counter()
        try:
            params = {"status": "pending", "limit": 1000}
            if self.cursor is not None:
                params["received_after"] = self.cursor
            response = await self.client.get(self.url, params=params, headers=await self.authorization())
            response.raise_for_status()
            rows = response.json()["items"]
        except (httpx.HTTPError, ValueError):
            self.errors += 1
            rows = []
        now = time.perf_counter()
        self.durations.append(now - started)
        self.max_rows = max(self.max_rows, len(rows))
        for referral in rows:
            if referral["emergency"] and referral["case_id"] not in self.seen:
                self.seen[referral["case_id"]] = now
        if rows:
            # Poll only what arrived lately, with a margin: concurrent transactions may commit a
            # referral received a moment earlier than one already seen.
            newest = max(datetime.fromisoformat(r["received_at"]) for r in rows)
            candidate = (newest - CURSOR_OVERLAP).isoformat()
            self.cursor = max(self.cursor or candidate, candidate)
        if self.retirer is not None:
            # Every pending police referral (P1 cases also give police non-emergency ones) leaves the list.
            fresh = [r["referral_id"] for r in rows if r["referral_id"] not in self.retired]
            self.retired.update(fresh)
            self.retirer.retire(fresh)

    async def run(self, backlog: list[tuple[float, int]], issued) -> None:
        while True:
            started = time.perf_counter()
            await self.poll_once()
            backlog.append((time.perf_counter(), issued() - (len(self.seen) - self.baseline)))
            await asyncio.sleep(max(0.0, POLL_INTERVAL - (time.perf_counter() - started)))


class Senders:
    """Several small httpx clients used in turn: one big pool scans all its queued requests for every
    free connection (quadratic), which made the load generator the bottleneck at a few hundred/s."""

    def __init__(self, clients: int = 16, connections: int = 64, timeout: float = 60.0) -> None:
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        self.clients = [httpx.AsyncClient(limits=limits, timeout=timeout) for _ in range(clients)]

    def __getitem__(self, index: int) -> httpx.AsyncClient:
        return self.clients[index % len(self.clients)]

    async def aclose(self) -> None:
        for client in self.clients:
            await client.aclose()


async def run_step(
    *,
    client: Senders,
    poll_client: httpx.AsyncClient,
    police_url: str,
    police_authorization: Authorization,
    retirer: Retirer | None,
    intakes: list[Intake],
    bodies: list[bytes],
    rate: float,
    drain_timeout: float,
) -> dict:
    """Send `bodies` at `rate`/s by the clock (never waiting on answers), then wait for their referrals.

    Reports go to the `intakes` in turn; POST latencies are also given per intake's label."""
    accepted: dict[str, float] = {}
    post_latencies: dict[str, list[float]] = {intake.label: [] for intake in intakes}
    refused_latencies: list[float] = []  # 503s: how fast an overloaded intake says so
    statuses: Counter[str] = Counter()
    backlog: list[tuple[float, int]] = []
    poller = Poller(poll_client, police_url, police_authorization, retirer)
    await poller.prime()
    cpu_before = psutil.Process().cpu_times()
    start = time.perf_counter() + 0.05
    issued = 0

    async def post(index: int, body: bytes, intended: float) -> None:
        intake = intakes[index % len(intakes)]
        try:
            response = await client[index].post(intake.url, content=body, headers=await intake.headers())
        except httpx.HTTPError as error:
            statuses[type(error).__name__] += 1
            return
        statuses[str(response.status_code)] += 1
        if response.status_code == 202:
            post_latencies[intake.label].append(time.perf_counter() - intended)
            accepted[response.json()["case_id"]] = intended
        elif response.status_code == 503:
            refused_latencies.append(time.perf_counter() - intended)

    poll_task = asyncio.create_task(poller.run(backlog, lambda: issued))
    posts: list[asyncio.Task] = []
    for index, body in enumerate(bodies):
        intended = start + index / rate
        delay = intended - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        issued += 1
        posts.append(asyncio.create_task(post(index, body, intended)))
    sent_until = time.perf_counter()
    deadline = sent_until + drain_timeout
    if posts:
        await asyncio.wait(posts, timeout=drain_timeout)
    while any(case not in poller.seen for case in accepted) and time.perf_counter() < deadline:
        if _hopeless(poller, accepted, start, deadline):
            break  # the backlog cannot drain in time at the rate achieved so far: stop waiting
        await asyncio.sleep(0.05)
    drained_at = time.perf_counter()
    for task in (poll_task, *posts):
        task.cancel()
    await asyncio.gather(poll_task, *posts, return_exceptions=True)

    latencies = [poller.seen[c] - t for c, t in accepted.items() if c in poller.seen]
    unseen = sum(c not in poller.seen for c in accepted)
    last_seen = max((poller.seen[c] for c in accepted if c in poller.seen), default=start)
    achieved = len(latencies) / (last_seen - start) if latencies and last_seen > start else 0.0
    duration = len(bodies) / rate
    tail = [p for p in backlog if p[0] >= start + duration / 2 and p[0] <= sent_until]
    growth = slope([(t, b) for t, b in tail])
    drained_after = drained_at - sent_until if unseen == 0 else None
    cpu_after = psutil.Process().cpu_times()
    return {
        "offered_rate_per_s": rate,
        "duration_s": round(duration, 2),
        "sent": len(bodies),
        "accepted": len(accepted),
        "responses": dict(statuses),
        "post_latency": latency_ms([t for times in post_latencies.values() for t in times]),
        "refused_503_latency": latency_ms(refused_latencies),
        **(
            {"post_latency_by_intake": {label: latency_ms(t) for label, t in post_latencies.items()}}
            if len(intakes) > 1
            else {}
        ),
        "latency_post_to_police": latency_ms(latencies),
        "unseen_after_drain": unseen,
        "achieved_per_s": round(achieved, 1),
        "backlog_growth_per_s": round(growth, 1),
        "drained_after_s": None if drained_after is None else round(drained_after, 2),
        "sustainable": (
            unseen == 0
            and len(accepted) == len(bodies)
            and growth <= 0.1 * rate
            and drained_after is not None
            and drained_after <= max(2.0, 0.2 * duration)
        ),
        "poll": {
            "polls": len(poller.durations),
            "mean_ms": round(1000 * sum(poller.durations) / max(1, len(poller.durations)), 1),
            "max_rows": poller.max_rows,
            "errors": poller.errors,
        },
        "bench_client_cpu_s": round(
            (cpu_after.user + cpu_after.system) - (cpu_before.user + cpu_before.system), 2
        ),
    }


def _hopeless(poller: Poller, accepted: dict[str, float], start: float, deadline: float) -> bool:
    now = time.perf_counter()
    done = sum(case in poller.seen for case in accepted)
    if now - start < 2.0 or done == 0:
        return False
    rate = done / (now - start)
    return (len(accepted) - done) / rate > 2 * (deadline - now)
