"""What a service declares (routes, handlers, migrations) and what it gets at run time."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from backbone.audit.store import audit_record
from backbone.auth.guard import Access, ResourceLoader
from backbone.messaging.consumer import EventConsumer, EventHandler
from backbone.messaging.outbox import OutboxRelay
from backbone.messaging.transport import Transport
from backbone.metrics import MetricsProbe, metrics_for
from backbone.sealing import KeyRing
from backbone.settings import Settings
from backbone.uow import UnitOfWork
from contracts.catalogue import Catalogue
from contracts.envelope import CloudEvent, Event

log = logging.getLogger(__name__)
# Given a set of envelopes in order (those a handler emitted, or consumed ones no handler takes).
EnvelopeObserver = Callable[[Sequence[CloudEvent], UnitOfWork], Awaitable[None]]


@dataclass(frozen=True)
class ServiceDefinition:
    """A service as its package declares it; the runtime does the rest."""

    name: str
    title: str
    # what the service is for, in the domain's words: its OpenAPI `info.description`
    description: str = ""
    routers: tuple[APIRouter, ...] = ()
    # event family (type name without version) -> handler; the newest version is what handlers receive
    handlers: Mapping[str, EventHandler] = field(default_factory=dict)
    # Alembic script directories applied in order inside the service's schema, each with its own version
    # table (`alembic_version_<directory's parent>`), so a shared feature can bring its own migrations.
    migrations: tuple[Path, ...] = ()
    # called with every envelope the service emits (at commit) or applies (when consumed), inside the
    # same transaction, as sets in order: cross-cutting projections such as the SLA clocks observe
    # events this way and write what a set implies in a few statements
    envelope_observers: tuple[EnvelopeObserver, ...] = ()
    # events the service ignores without opening a transaction (e.g. referrals for another agency)
    accepts: Callable[[Event], bool] | None = None
    # the same decided before parsing, from the envelope's headers alone: (`ce_type`, `ce_agency` or
    # None) -> keep; what it keeps is still offered to `accepts` once parsed
    accepts_headers: Callable[[str, str | None], bool] | None = None
    # long-running loops (timers, projections) started with the service and restarted if they fail
    background: tuple[Callable[[ServiceRuntime], Awaitable[None]], ...] = ()
    # gauges gathered when Prometheus scrapes `/{service}/metrics` (one query each, never per request)
    metrics: tuple[MetricsProbe, ...] = ()
    # resource kind -> loader of the facts access decisions need (see contracts/policies/access.v1.json)
    resources: Mapping[str, ResourceLoader] = field(default_factory=dict)
    # the service holds personal data sealed at rest: the runtime loads the key ring for it (and only it)
    seals_personal_data: bool = False
    # A page for people that reads the other services' public APIs (the operations page): it has no
    # database, events or API docs of its own; the runtime mounts `web(system)` at `/{name}` instead.
    web: Callable[[Any], Any] | None = None
    # run once when a process starts the service, before anything runs (loading data its domain needs,
    # e.g. the holiday calendar); a hook shared by several services runs once; failing, nothing starts
    prepare: tuple[Callable[[Settings], Awaitable[None]], ...] = ()
    # reported, not checked, in `/readyz`'s `detail` (name -> what it says now, e.g. the calendar's coverage)
    readiness: Mapping[str, Callable[[], object]] = field(default_factory=dict)

    @property
    def stateful(self) -> bool:
        """Whether the service has a schema, an outbox and a consumer of its own."""
        return self.web is None


@dataclass
class ServiceRuntime:
    """A running service: its database, transport, relay and consumer."""

    definition: ServiceDefinition
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    transport: Transport
    catalogue: Catalogue
    relay: OutboxRelay
    consumer: EventConsumer | None = None
    sla_policy_path: str | None = None
    key_ring: KeyRing | None = None
    # the process's settings, for a service's own options (e.g. notifications' retry schedule)
    settings: Settings | None = None

    @property
    def name(self) -> str:
        return self.definition.name

    def unit_of_work(self) -> UnitOfWork:
        """A fresh unit of work; committing it wakes the outbox relay."""
        return UnitOfWork(
            service=self.name,
            sessionmaker=self.sessionmaker,
            catalogue=self.catalogue,
            on_commit=self._committed,
            sla_policy_path=self.sla_policy_path,
            observers=self.definition.envelope_observers,
            key_ring=self.key_ring,
        )

    def _committed(self, envelopes: Sequence[CloudEvent]) -> None:
        self.relay.wake(len(envelopes))
        metrics_for(self.name).committed(envelopes)


def get_runtime(request: Request) -> ServiceRuntime:
    """FastAPI dependency: the runtime of the service whose sub-application serves the request."""
    return request.app.state.system.runtime(request.app.state.service_name)


async def get_uow(request: Request) -> UnitOfWork:
    """FastAPI dependency: a unit of work for the service serving the request.

    For a state-changing call it carries the call's audit record, committed with the call's effects.
    (Dependencies are coroutines: FastAPI runs a plain function dependency in a worker thread, a hand-off
    that cost intake and the police about a tenth of their CPU.)
    """
    runtime = get_runtime(request)
    uow = runtime.unit_of_work()
    access: Access | None = getattr(request.state, "access", None)
    if access is not None:
        uow.permissions = access.permissions
    if access is not None and access.changes_state:
        uow.audit = lambda extra: audit_record(access, service=runtime.name, extra_ids=extra)
    return uow


async def supervise(name: str, loop: Callable[[], Awaitable[None]], *, backoff_seconds: float = 1.0) -> None:
    """Run a loop forever; when it fails, log why and start it again rather than die silently."""
    while True:
        try:
            await loop()
            log.warning("background loop returned; restarting", extra={"loop": name})
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("background loop failed; restarting", extra={"loop": name})
        await asyncio.sleep(backoff_seconds)
