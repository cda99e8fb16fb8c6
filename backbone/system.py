"""Starting and stopping the services one process runs: all seven embedded, or one when distributed."""

from __future__ import annotations

import asyncio
import importlib
import logging

from backbone.audit.store import append_audit, audit_record
from backbone.auth.guard import Access, Authenticator
from backbone.auth.setup import build_authentication
from backbone.db import create_engine, ping, session_factory, start_embedded_postgres
from backbone.db_access import DatabaseAccess, role_secret
from backbone.issuer.app import BuiltinIssuer
from backbone.logging import configure_logging
from backbone.messaging.consumer import EventConsumer
from backbone.messaging.embedded import LOG_SCHEMA, LOG_TABLES
from backbone.messaging.outbox import OutboxRelay
from backbone.messaging.transport import Transport, create_transport
from backbone.sealing import KeyRing, load_key_ring
from backbone.service import ServiceDefinition, ServiceRuntime, supervise
from backbone.settings import Settings
from backbone.telemetry import configure_tracing, stop_exporting
from contracts.catalogue import Catalogue, dead_letter_topic, load_catalogue, topic_of

log = logging.getLogger(__name__)


def load_definition(name: str, *, registry: str | None = None) -> ServiceDefinition:
    """A service's definition from the registry module the settings name (BACKBONE_SERVICE_REGISTRY).

    The runtime knows no service by name: the entry point's registry (`services.registry` by default)
    says what `BACKBONE_SERVICES` may name and where each one's definition is.
    """
    module = importlib.import_module(registry or Settings.model_fields["service_registry"].default)
    return module.definition(name)


class System:
    def __init__(
        self,
        settings: Settings,
        definitions: list[ServiceDefinition] | None = None,
        *,
        catalogue: Catalogue | None = None,
        transport: Transport | None = None,
    ) -> None:
        self.settings = settings
        self.definitions = definitions or [
            load_definition(n, registry=settings.service_registry) for n in settings.service_names
        ]
        self.catalogue = catalogue or load_catalogue()
        self.transport = transport
        self.database_url: str | None = None
        self.access: DatabaseAccess | None = None
        self.runtimes: dict[str, ServiceRuntime] = {}
        self.auth: Authenticator | None = None
        self.issuer: BuiltinIssuer | None = None
        self._tasks: list[asyncio.Task] = []
        self._exporting = False

    def runtime(self, name: str) -> ServiceRuntime:
        try:
            return self.runtimes[name]
        except KeyError:
            raise RuntimeError(f"service {name} is not running in this process") from None

    async def start(self) -> None:
        """Migrate every service's schema, connect the transport, start relays, consumers and timers."""
        configure_logging(self.settings.log_level)
        # What the services' domains need loaded first (the holiday calendar): a failure stops the start.
        for prepare in dict.fromkeys(hook for d in self.definitions for hook in d.prepare):
            await prepare(self.settings)
        names = "+".join(d.name for d in self.definitions)
        configure_tracing(otlp_endpoint=self.settings.otlp_endpoint, ratio=self.settings.trace_ratio)
        self._exporting = True
        stateful = [d for d in self.definitions if d.stateful]
        if not stateful:
            # Only pages (the operations page alone, distributed mode): no database, no transport.
            self.auth, self.issuer = build_authentication(self.settings)
            log.info("services started", extra={"services": names, "transport": "none"})
            return
        # Not in a worker thread: the server's parent-death signal follows the thread that forks it.
        self.database_url = self.settings.database_url or start_embedded_postgres(self.settings.data_dir)
        self.access = DatabaseAccess(
            self.database_url, role_secret(self.settings.database_role_secret, self.settings.data_dir)
        )
        embedded = self.settings.resolved_transport == "embedded"
        await self.access.provision([d.name for d in stateful] + ([LOG_SCHEMA] if embedded else []))
        if embedded:
            await self.access.run_as_owner(LOG_SCHEMA, LOG_TABLES)
        if self.transport is None:
            self.transport = create_transport(
                self.settings.resolved_transport,
                kafka_bootstrap_servers=self.settings.kafka_bootstrap_servers,
                kafka_security=self.settings.kafka_security_options(),
                database_url=self.access.service_url(LOG_SCHEMA),
                partitions=self.settings.kafka_topic_partitions,
                replication_factor=self.settings.kafka_replication_factor,
                namespace=self.settings.kafka_namespace,
                retention_seconds=self.settings.embedded_retention_seconds,
            )
        self.auth, self.issuer = build_authentication(self.settings)
        await self.transport.start()
        await self.transport.ensure_topics(self._topics())
        for definition in stateful:
            self.runtimes[definition.name] = await self._start_service(definition)
        log.info("services started", extra={"services": names, "transport": self.settings.resolved_transport})

    async def _start_service(self, definition: ServiceDefinition) -> ServiceRuntime:
        assert self.access is not None
        key_ring = self._key_ring() if definition.seals_personal_data else None
        await self.access.migrate(definition.name, definition.migrations, attributes={"key_ring": key_ring})
        engine = create_engine(
            self.access.service_url(definition.name),
            schema=definition.name,
            pool_size=self.settings.db_pool_size,
            trace_statements=self.settings.trace_db_statements,
        )
        relay = OutboxRelay(
            service=definition.name,
            engine=engine,
            transport=self.transport,
            batch_size=self.settings.relay_batch_size,
            retention_seconds=self.settings.outbox_retention_seconds,
        )
        runtime = ServiceRuntime(
            definition=definition,
            engine=engine,
            sessionmaker=session_factory(engine),
            transport=self.transport,
            catalogue=self.catalogue,
            relay=relay,
            sla_policy_path=self.settings.sla_policy_path,
            key_ring=key_ring,
            settings=self.settings,
        )
        self._spawn(f"{definition.name}.relay", relay.run)
        if definition.handlers or definition.envelope_observers:
            runtime.consumer = EventConsumer(
                service=definition.name,
                catalogue=self.catalogue,
                handlers=definition.handlers,
                unit_of_work=runtime.unit_of_work,
                transport=self.transport,
                max_attempts=self.settings.consumer_max_attempts,
                concurrency=self.settings.consumer_concurrency,
                batch_max=self.settings.consumer_batch_max,
                accepts=definition.accepts,
                accepts_headers=definition.accepts_headers,
                observes=bool(definition.envelope_observers),
            )
            self._spawn(f"{definition.name}.consumer", runtime.consumer.run)
        for index, loop in enumerate(definition.background):
            self._spawn(f"{definition.name}.background.{index}", lambda loop=loop: loop(runtime))
        return runtime

    def _topics(self) -> list[str]:
        """The topics this process's services write (own events, dead letters) and read (catalogue).

        Only those: with Kafka ACLs (backbone.messaging.kafka_access) a service may create no others.
        """
        topics = set()
        for definition in filter(lambda d: d.stateful, self.definitions):
            topics |= {topic_of(definition.name), dead_letter_topic(definition.name)}
            topics |= {t for spec in self.catalogue.consumed_by(definition.name) for t in spec.topics}
        return sorted(topics)

    def _key_ring(self) -> KeyRing:
        """The sealing key ring from the settings; the key file is created on first start if missing."""
        return load_key_ring(
            inline=self.settings.sealing_keys, path=self.settings.resolved_sealing_key_file, create=True
        )

    def _spawn(self, name: str, loop) -> None:
        self._tasks.append(asyncio.create_task(supervise(name, loop), name=name))

    async def record_read(self, service: str, access: Access, *, purpose: str | None) -> None:
        """Audit a read of personal data before the data is returned, in a transaction of its own."""
        runtime = self.runtime(service)
        async with runtime.sessionmaker() as session:
            await append_audit(session, audit_record(access, service=service, purpose=purpose))
            await session.commit()

    def readiness_details(self, service: str | None = None) -> dict[str, object]:
        """What the services (all, or one) report beside readiness, e.g. the holiday calendar's coverage."""
        details: dict[str, object] = {}
        for definition in self.definitions:
            if service is None or definition.name == service:
                details |= {name: report() for name, report in definition.readiness.items()}
        return details

    async def ready(self, service: str | None = None) -> tuple[dict[str, str], str]:
        """Each database's state (all services', or one's) and the broker's: `ok` or why not."""
        runtimes = {n: r for n, r in self.runtimes.items() if service is None or n == service}
        databases = {name: await _check(ping(runtime.engine)) for name, runtime in runtimes.items()}
        broker = await _check(self.transport.ping()) if self.transport else "not started"
        return databases, broker

    async def stop(self) -> None:
        """Cancel every loop, then close the transport and the databases."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        if self.transport is not None:
            await self.transport.stop()
        for runtime in self.runtimes.values():
            await runtime.engine.dispose()
        self.runtimes.clear()
        if self._exporting:
            # The last spans go out before the process (or the test) ends.
            await asyncio.to_thread(stop_exporting, self.settings.otlp_endpoint)
            self._exporting = False


async def _check(probe) -> str:
    try:
        await asyncio.wait_for(probe, timeout=5)
        return "ok"
    except Exception as error:
        return f"failing: {type(error).__name__}"
