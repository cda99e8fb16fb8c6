"""The unit of work: one database transaction holding a service's state changes and its events."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from types import TracebackType
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backbone.audit.store import append_audit
from backbone.clock import utcnow
from backbone.db import insert_rows
from backbone.messaging.outbox import outbox_row
from backbone.messaging.tables import outbox
from backbone.sealing import KeyRing
from backbone.telemetry import current_trace_headers, tag_current_span
from contracts.catalogue import Catalogue, topic_of
from contracts.envelope import CloudEvent, Event


class UnitOfWork:
    """`async with uow:` opens a transaction; `await uow.commit()` writes state and events together.

    A consumer applies a whole batch of events in one unit of work: each handler in turn on the same
    session, `observe_emitted()` after each (so its events are observed in its own span and order),
    one commit for all.
    """

    def __init__(
        self,
        *,
        service: str,
        sessionmaker: async_sessionmaker[AsyncSession],
        catalogue: Catalogue,
        on_commit: Callable[[Sequence[CloudEvent]], None] = lambda _: None,
        sla_policy_path: str | None = None,
        observers: Sequence[Callable[[Sequence[CloudEvent], UnitOfWork], Awaitable[None]]] = (),
        audit: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
        key_ring: KeyRing | None = None,
    ) -> None:
        # Set for a state-changing request: builds the audit record committed with its effects.
        self.audit = audit
        # What the caller's grant allows beyond the call itself (`may` in the access policy): set by
        # `get_uow` for a request, empty for an event, so a service asks `uow.may(...)` at the decision.
        self.permissions: frozenset[str] = frozenset()
        self._key_ring = key_ring
        self.observers = tuple(observers)
        self.sla_policy_path = sla_policy_path
        self.service = service
        self._sessionmaker = sessionmaker
        self._catalogue = catalogue
        # called after every commit with the events it wrote (wakes the relay, counts them)
        self._on_commit = on_commit
        self._pending: list[CloudEvent] = []
        # how many pending events the observers have seen; the trace context each was emitted in
        self._observed = 0
        self._trace_headers: dict[str, dict[str, str]] = {}
        self._session: AsyncSession | None = None

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("unit of work used outside `async with`")
        return self._session

    def may(self, permission: str) -> bool:
        """Whether the caller's grant names this permission (never, when applying an event)."""
        return permission in self.permissions

    @property
    def key_ring(self) -> KeyRing:
        """The keys sealing the service's personal data (only for services declaring they seal)."""
        if self._key_ring is None:
            raise RuntimeError(f"{self.service} does not declare seals_personal_data: it holds no keys")
        return self._key_ring

    async def __aenter__(self) -> UnitOfWork:
        self._session = self._sessionmaker()
        self._pending, self._observed, self._trace_headers = [], 0, {}
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.session.rollback()
        await self.session.close()
        self._session = None

    @property
    def catalogue(self) -> Catalogue:
        """The event catalogue the service publishes and consumes by."""
        return self._catalogue

    def emit(self, event: Event, *, subject: str) -> CloudEvent:
        """Record an event for the outbox; it is written only if the transaction commits.

        The envelope's `time` is now; its `agency` extension is the event's `agency` when it has one.
        """
        spec = self._catalogue.spec(event.TYPE)
        if self.service not in spec.publishers:
            raise ValueError(
                f"{self.service} may not publish {event.TYPE}; the catalogue says {spec.publishers}"
            )
        envelope = CloudEvent.of(
            event.model_dump(mode="json"),
            source=f"/{self.service}",
            type=event.TYPE,
            time=utcnow(),
            subject=subject,
        )
        self._pending.append(envelope)
        # Taken now, not at commit: in a consumer's batch the commit runs outside the event's own span.
        self._trace_headers[envelope.id] = current_trace_headers()
        tag_current_span(envelope.data)
        return envelope

    @property
    def emitted(self) -> list[CloudEvent]:
        return list(self._pending)

    async def observe_emitted(self) -> None:
        """Show the observers every event emitted since they last looked (at the latest, at commit)."""
        # Each observer gets the events as one set, to write what they imply in a few statements; they
        # may emit in turn (a clock regraded by a priority change): drain until quiet.
        while self._observed < len(self._pending):
            envelopes = self._pending[self._observed :]
            self._observed = len(self._pending)
            for observer in self.observers:
                await observer(envelopes, self)

    async def commit(self) -> None:
        """Write pending events to the outbox and commit everything at once."""
        await self.observe_emitted()
        if self._pending:
            topic = topic_of(self.service)
            rows = [outbox_row(e, topic=topic, headers=self._trace_headers.get(e.id)) for e in self._pending]
            # One statement for the commit's events, in emission order: the relay publishes by id.
            await insert_rows(self.session, outbox, rows)
        if self.audit is not None:
            # Last, so the chain lock is held only for the insert and the commit.
            subjects = sorted({e.subject for e in self._pending if e.subject})
            await append_audit(self.session, self.audit({"event_subjects": subjects} if subjects else {}))
        await self.session.commit()
        committed, self._pending, self._observed, self._trace_headers = self._pending, [], 0, {}
        self._on_commit(committed)
