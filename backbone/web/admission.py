"""Admission control: a bound on the requests a service works on at once, so overload is refused, not queued.

Every service's app admits at most `HTTP_MAX_IN_FLIGHT` requests at a time (default: its database pool's
capacity, `DB_POOL_SIZE` connections plus as many overflow, so an admitted request finds a connection). A
request beyond the bound waits for a slot at most `HTTP_ADMISSION_WAIT_SECONDS`, first come first served;
then it is answered 503 with `Retry-After` and the standard problem body, before anything is read, decided
or written for it. So under twice the load the service can take, callers get their answer (202 or 503) in
a bounded time instead of queueing behind everyone else for the database's pool (a hotline operator is
never kept waiting for fifteen seconds). Probes, metrics and docs are not counted: readiness answers
under overload.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

from backbone.web.problems import problem, refusal

OVERLOADED = "overloaded"


class AdmissionGate:
    """At most `max_in_flight` holders; a newcomer waits up to `wait_seconds` for a slot, else is refused."""

    def __init__(self, *, max_in_flight: int, wait_seconds: float) -> None:
        self.max_in_flight = max_in_flight
        self.wait_seconds = wait_seconds
        self._slots = asyncio.Semaphore(max_in_flight)
        self.in_flight = 0

    async def enter(self) -> bool:
        """Take a slot (True), or give up after the wait budget (False)."""
        if not self._slots.locked():
            await self._slots.acquire()  # a free slot: taken at once
        elif self.wait_seconds <= 0:
            return False
        else:
            try:
                async with asyncio.timeout(self.wait_seconds):
                    await self._slots.acquire()
            except TimeoutError:
                return False
        self.in_flight += 1
        return True

    def leave(self) -> None:
        """Give a slot back."""
        self.in_flight -= 1
        self._slots.release()


class AdmissionControl:
    """ASGI middleware: requests beyond the gate's bound are answered 503 + `Retry-After` at once."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        gate: AdmissionGate,
        retry_after_seconds: int,
        exclude: Callable[[dict], bool] = lambda scope: False,
    ) -> None:
        self.app = app
        self.gate = gate
        self.retry_after_seconds = retry_after_seconds
        self.exclude = exclude

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.exclude(scope):
            await self.app(scope, receive, send)
            return
        if not await self.gate.enter():
            await overloaded(self.retry_after_seconds)(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self.gate.leave()


def overloaded(retry_after_seconds: int):
    """The refusal of a request the service has no room for: nothing was done."""
    return refusal(
        503,
        [
            problem(
                [],
                "the service is at its bound of requests in flight; nothing was done, retry after "
                "Retry-After seconds",
                OVERLOADED,
            )
        ],
        headers={"Retry-After": str(retry_after_seconds)},
    )
