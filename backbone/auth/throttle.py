"""Per-client rate limits: one caller's flood is answered 429 and never slows anyone else.

The limits are data, the access policy's `rate_limits` section (`contracts/policies/access.v1.json`):
a `default` for every route and, under `routes`, a route's own (`"intake": {"POST /v1/reports": ...}`),
each a `limits` string such as `"100/second"` or `"20/second;600/minute"`. Each caller has its own
budget per route: an authenticated caller is counted by its OAuth client (`client_id`), a caller
without a valid token by its peer address. The guard (`backbone/auth/guard.py`) asks before it does
any work for the request, so a refused request changes nothing.

The counting is the `limits` package's moving window in this process's memory: each process (each
replica in distributed mode) counts its own requests.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi import HTTPException
from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter

from backbone.web.problems import problem

# When a policy has no `rate_limits` section: generous enough for any agency system's polling.
DEFAULT_LIMIT = "100/second"


@dataclass(frozen=True)
class RateLimits:
    """The limits of a policy, parsed (a malformed limit fails start-up, naming where)."""

    default: tuple[RateLimitItem, ...]
    routes: Mapping[str, Mapping[str, tuple[RateLimitItem, ...]]] = field(default_factory=dict)

    def of(self, service: str, route_key: str) -> tuple[RateLimitItem, ...]:
        """The limits of one route (`"POST /v1/reports"` of `intake`, or of every service's `*`)."""
        own = self.routes.get(service, {}).get(route_key)
        return own or self.routes.get("*", {}).get(route_key) or self.default


def parse_rate_limits(section: Mapping[str, Any] | None) -> RateLimits:
    """Read a policy's `rate_limits` section."""
    section = section or {}

    def items(text: Any, where: str) -> tuple[RateLimitItem, ...]:
        try:
            parsed = tuple(parse_many(str(text)))
        except ValueError:
            parsed = ()
        if not parsed:
            raise ValueError(f"rate_limits {where}: not a rate limit such as '100/second'")
        return parsed

    routes = {
        service: {key: items(text, f"{service} {key}") for key, text in limits.items()}
        for service, limits in section.get("routes", {}).items()
    }
    return RateLimits(default=items(section.get("default", DEFAULT_LIMIT), "default"), routes=routes)


class Throttle:
    """Counts each caller's requests per route and refuses those over the limit."""

    def __init__(self, limits: RateLimits) -> None:
        self.limits = limits
        self._limiter: MovingWindowRateLimiter | None = None

    async def admit(self, *, service: str, route_key: str, caller: str) -> None:
        """Count the request; raise 429 with `Retry-After` when it is over one of the route's limits."""
        if self._limiter is None:  # made on first use: the storage's expiry task needs the running loop
            self._limiter = MovingWindowRateLimiter(MemoryStorage())
        for item in self.limits.of(service, route_key):
            if not await self._limiter.hit(item, service, route_key, caller):
                stats = await self._limiter.get_window_stats(item, service, route_key, caller)
                raise too_many_requests(max(1, math.ceil(stats.reset_time - time.time())))


def too_many_requests(retry_after: int) -> HTTPException:
    detail = [
        problem([], "too many requests from this caller; retry after Retry-After seconds", "rate_limited")
    ]
    return HTTPException(429, detail=detail, headers={"Retry-After": str(retry_after)})


def caller_key(*, client_id: str | None, peer: str | None) -> str:
    """Whose budget a request is counted in: its client, or (without a valid token) its peer address."""
    return f"client:{client_id}" if client_id else f"address:{peer or 'unknown'}"
