"""Prometheus metrics: `/{service}/metrics` for one service, `/metrics` for every service of the process.

Counters move in process as things happen (events committed, HTTP requests answered); gauges that
describe the database (outbox backlog, referrals and clocks by state, consumer lag) are computed when
Prometheus scrapes, one query each, never per request. Labels are codes and names of things (service,
agency, clock, event type, route template), never ids or personal data.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy import text
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contracts.envelope import CloudEvent

if TYPE_CHECKING:
    from backbone.service import ServiceRuntime

# `_created` series double every counter's output and no dashboard here reads them.
disable_created_metrics()
MetricsProbe = Callable[["ServiceRuntime"], Awaitable[Iterable[Metric]]]
HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class ServiceMetrics:
    """The counters and histograms of one service, in a registry of its own."""

    def __init__(self, service: str) -> None:
        self.service = service
        self.registry = CollectorRegistry()
        r = self.registry
        self.events_committed = Counter(
            "backbone_events_committed", "Events committed to the outbox", ["service", "type"], registry=r
        )
        self.events_applied = Counter(
            "backbone_events_applied", "Consumed events applied", ["service", "type"], registry=r
        )
        self.dead_lettered = Counter(
            "backbone_events_dead_lettered", "Messages sent to the dead-letter topic", ["service"], registry=r
        )
        self.reports_received = Counter(
            "intake_reports_received", "Reports accepted by intake", ["service", "source"], registry=r
        )
        self.breaches = Counter(
            "sla_breaches", "Deadlines breached", ["service", "agency", "clock"], registry=r
        )
        self.escalations = Counter(
            "sla_escalations", "Breached deadlines escalated", ["service", "agency", "clock"], registry=r
        )
        self.referral_escalations = Counter(
            "routing_referral_escalations",
            "Declined referrals escalated to the joint meeting office",
            ["service", "agency"],
            registry=r,
        )
        self.http_duration = Histogram(
            "http_server_request_duration",
            "HTTP request latency",
            ["service", "method", "route", "status"],
            unit="seconds",
            buckets=HTTP_BUCKETS,
            registry=r,
        )

    def committed(self, envelopes: Sequence[CloudEvent]) -> None:
        """Count what a unit of work has just committed."""
        for envelope in envelopes:
            self.events_committed.labels(self.service, envelope.type).inc()
            data = envelope.data
            family = envelope.type.rsplit(".", 1)[0]
            if family == "report.received":
                self.reports_received.labels(self.service, str(data.get("source", ""))).inc()
            elif family == "sla.breached":
                self.breaches.labels(self.service, data.get("agency", ""), data.get("clock", "")).inc()
            elif family == "sla.escalated":
                self.escalations.labels(self.service, data.get("agency", ""), data.get("clock", "")).inc()
            elif family == "referral.escalated":
                self.referral_escalations.labels(self.service, str(data.get("agency", ""))).inc()

    def applied(self, event_type: str) -> None:
        self.events_applied.labels(self.service, event_type).inc()


_metrics: dict[str, ServiceMetrics] = {}


def metrics_for(service: str) -> ServiceMetrics:
    """The one ServiceMetrics of a service in this process (created on first use)."""
    if service not in _metrics:
        _metrics[service] = ServiceMetrics(service)
    return _metrics[service]


def gauge(name: str, documentation: str, labels: Sequence[str], rows: Iterable[Sequence]) -> Metric:
    """A gauge family from rows of (label values..., value)."""
    family = GaugeMetricFamily(name, documentation, labels=list(labels))
    for *values, value in rows:
        family.add_metric([str(v) for v in values], float(value or 0))
    return family


async def backbone_gauges(runtime: ServiceRuntime) -> list[Metric]:
    """Every service's outbox backlog and consumer lag."""
    async with runtime.engine.connect() as connection:
        backlog, oldest = (
            await connection.execute(
                text(
                    "SELECT count(*), coalesce(extract(epoch FROM now() - min(created_at)), 0) "
                    "FROM outbox WHERE sent_at IS NULL"
                )
            )
        ).one()
    name = runtime.name
    families = [
        gauge("backbone_outbox_backlog", "Outbox events not yet published", ["service"], [(name, backlog)]),
        gauge(
            "backbone_outbox_oldest_unsent_age_seconds",
            "Age of the oldest unpublished outbox event",
            ["service"],
            [(name, oldest)],
        ),
    ]
    if runtime.consumer is not None:
        lag = await runtime.transport.consumer_lag(group=name, topics=runtime.consumer.topics)
        families.append(
            gauge(
                "backbone_consumer_lag",
                "Messages on the service's topics it has not applied yet",
                ["service", "topic"],
                [(name, topic, behind) for topic, behind in sorted(lag.items())],
            )
        )
    return families


class _Families:
    """A collector of already gathered families, merged by name (one HELP/TYPE per metric)."""

    def __init__(self, families: Iterable[Metric]) -> None:
        merged: dict[str, Metric] = {}
        for family in families:
            if family.name in merged:
                merged[family.name].samples.extend(family.samples)
            else:
                copy = Metric(family.name, family.documentation, family.type, family.unit)
                copy.samples = list(family.samples)
                merged[family.name] = copy
        self._families = list(merged.values())

    def collect(self) -> Iterable[Metric]:
        return self._families


async def scrape(runtimes: Sequence[ServiceRuntime], *, process: bool) -> bytes:
    """The exposition text for the services (and the process's own metrics when `process`)."""
    families: list[Metric] = list(REGISTRY.collect()) if process else []
    for runtime in runtimes:
        families.extend(metrics_for(runtime.name).registry.collect())
        families.extend(await backbone_gauges(runtime))
        for probe in runtime.definition.metrics:
            families.extend(await probe(runtime))
    return generate_latest(_Families(families))


class RequestMetrics:
    """ASGI middleware timing a service's requests by route template (never the raw path: it has ids).

    `exclude` leaves out what is no operation of the service (probes, scrapes, docs and their assets).
    """

    def __init__(self, app: ASGIApp, *, service: str, exclude: Callable[[Scope], bool]) -> None:
        self.app = app
        self.metrics = metrics_for(service)
        self.exclude = exclude

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.exclude(scope):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            self.metrics.http_duration.labels(
                self.metrics.service, scope["method"], route, str(status)
            ).observe(time.perf_counter() - started)
