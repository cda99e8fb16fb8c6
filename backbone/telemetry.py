"""OpenTelemetry: a tracer provider per service, W3C trace context carried across every hop.

Trace context crosses the outbox too: it is saved with the outbox row when the event is recorded and
restored when the relay publishes, so one report stays one trace from intake to the last agency.

Each service has its own provider whose resource names it (`service.name`), so in embedded mode (six
services in one process) every span — HTTP, database, publish, process — still says whose it is, and
the trace UI lists the services separately. Database queries made outside any traced operation (idle
polling of the outbox, the embedded log and the deadline timer; retention purges; probes) are not
sampled: a trace is an operation somebody asked for, never the background hum of a loop.

Spans are per operation and per message, not per statement: an HTTP request, an outbox publish, a
consumer's processing of one event, a timer's batch. A span per SQL statement (SQLAlchemy's
instrumentation) costs more than the work on the hot path, so it is off unless `TRACE_DB_STATEMENTS`
asks for it (debugging). How many traces are kept is the standard `OTEL_TRACES_SAMPLER` /
`OTEL_TRACES_SAMPLER_ARG`, always parent-based: the root (intake's request) decides, and every span
after it, in every service, follows the decision carried in `traceparent`, so a sampled report stays
one whole trace and an unsampled one leaves none.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import (
    ALWAYS_ON,
    Decision,
    ParentBased,
    Sampler,
    SamplingResult,
    TraceIdRatioBased,
)
from opentelemetry.trace import Link, SpanKind
from opentelemetry.util.types import Attributes

TRACE_HEADERS = ("traceparent", "tracestate")
NAMESPACE = "child-protection"
PROCESS_SERVICE = "backbone"
# event field -> span attribute; a trace is found in the UI by searching a tag, e.g. case.id=...
ID_ATTRIBUTES = {"case_id": "case.id", "report_id": "report.id", "referral_id": "referral.id"}


# OTEL_TRACES_SAMPLER's standard values; each is applied parent-based (see the module's docstring).
SAMPLERS = (
    "parentbased_always_on",
    "parentbased_always_off",
    "parentbased_traceidratio",
    "always_on",
    "always_off",
    "traceidratio",
)


def sample_ratio(sampler: str, arg: float | None) -> float:
    """The share of root operations traced for an `OTEL_TRACES_SAMPLER` value and its argument."""
    if sampler not in SAMPLERS:
        raise ValueError(f"OTEL_TRACES_SAMPLER must be one of {', '.join(SAMPLERS)}")
    if sampler.endswith("always_on"):
        return 1.0
    if sampler.endswith("always_off"):
        return 0.0
    ratio = 1.0 if arg is None else arg
    if not 0.0 <= ratio <= 1.0:
        raise ValueError("OTEL_TRACES_SAMPLER_ARG must be a ratio between 0 and 1")
    return ratio


class _NoTraceForRootQueries(Sampler):
    """Root spans are sampled at the configured ratio (by trace id), except client spans (database
    queries) that no operation started, which never are."""

    def __init__(self, ratio: float = 1.0) -> None:
        self.set_ratio(ratio)

    def set_ratio(self, ratio: float) -> None:
        self.ratio = ratio
        self._roots = ALWAYS_ON if ratio >= 1.0 else TraceIdRatioBased(ratio)

    def should_sample(
        self,
        parent_context: Context | None,
        trace_id: int,
        name: str,
        kind: SpanKind | None = None,
        attributes: Attributes = None,
        links: Sequence[Link] | None = None,
        trace_state: trace.TraceState | None = None,
    ) -> SamplingResult:
        if kind == SpanKind.CLIENT:
            return SamplingResult(Decision.DROP)
        return self._roots.should_sample(parent_context, trace_id, name, kind, attributes, links, trace_state)

    def get_description(self) -> str:
        return f"NoTraceForRootQueries{{{self.ratio}}}"


_ROOTS = _NoTraceForRootQueries()
SAMPLER = ParentBased(root=_ROOTS)


class _Exports(SpanProcessor):
    """The exporters every provider feeds; they can be added and removed while providers live."""

    def __init__(self) -> None:
        self.processors: dict[object, SpanProcessor] = {}

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        for processor in tuple(self.processors.values()):
            processor.on_start(span, parent_context=parent_context)

    def on_end(self, span: ReadableSpan) -> None:
        for processor in tuple(self.processors.values()):
            processor.on_end(span)

    def shutdown(self) -> None:
        """Providers are never shut down one by one; exporters are removed with `stop_exporting`."""

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return all(p.force_flush(timeout_millis) for p in tuple(self.processors.values()))


_exports = _Exports()
_providers: dict[str, TracerProvider] = {}
_endpoints: dict[str, int] = {}


def provider_for(service: str) -> TracerProvider:
    """The tracer provider whose spans belong to `service` (created on first use)."""
    provider = _providers.get(service)
    if provider is None:
        resource = Resource.create({"service.name": service, "service.namespace": NAMESPACE})
        provider = TracerProvider(resource=resource, sampler=SAMPLER)
        provider.add_span_processor(_exports)
        _providers[service] = provider
    return provider


def configure_tracing(
    *, otlp_endpoint: str | None, service_name: str = PROCESS_SERVICE, ratio: float | None = None
) -> TracerProvider:
    """Install the process's global provider once; export every service's spans to `otlp_endpoint`;
    trace `ratio` of root operations (None: leave it as it is; every provider shares it).

    Each call naming an endpoint must be paired with `stop_exporting(endpoint)` (a system's stop).
    """
    if ratio is not None:
        _ROOTS.set_ratio(ratio)
    if service_name not in _providers and not isinstance(trace.get_tracer_provider(), TracerProvider):
        trace.set_tracer_provider(provider_for(service_name))
    if otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        if otlp_endpoint not in _endpoints:
            url = otlp_endpoint.rstrip("/") + "/v1/traces"
            _exports.processors[otlp_endpoint] = BatchSpanProcessor(
                OTLPSpanExporter(endpoint=url), schedule_delay_millis=1000
            )
        _endpoints[otlp_endpoint] = _endpoints.get(otlp_endpoint, 0) + 1
    return provider_for(service_name)


def stop_exporting(otlp_endpoint: str | None) -> None:
    """Flush what is pending to the endpoint; stop exporting to it when nothing else uses it."""
    if not otlp_endpoint or otlp_endpoint not in _endpoints:
        return
    processor = _exports.processors[otlp_endpoint]
    processor.force_flush()
    _endpoints[otlp_endpoint] -= 1
    if _endpoints[otlp_endpoint] == 0:
        del _endpoints[otlp_endpoint], _exports.processors[otlp_endpoint]
        processor.shutdown()


def add_span_processor(processor: SpanProcessor) -> None:
    """Attach another processor to every service's spans (tests attach an in-memory exporter)."""
    _exports.processors[processor] = processor


def remove_span_processor(processor: SpanProcessor) -> None:
    """Detach a processor attached with `add_span_processor`."""
    _exports.processors.pop(processor, None)


def tracer(service: str) -> trace.Tracer:
    """The tracer a service's own spans come from."""
    return provider_for(service).get_tracer(f"backbone.{service}")


def id_attributes(data: Mapping[str, object]) -> dict[str, str]:
    """The span attributes that make an event's trace findable: its case, report and referral ids.

    Ids only: an event's other fields may carry what a span must not (a masked name, a description).
    """
    return {
        attribute: value
        for field, attribute in ID_ATTRIBUTES.items()
        if isinstance(value := data.get(field), str) and value
    }


def tag_current_span(data: Mapping[str, object]) -> None:
    """Put the ids of an event the current operation emits on its span (e.g. the HTTP request's)."""
    span = trace.get_current_span()
    if span.is_recording():
        span.set_attributes(id_attributes(data))


def current_trace_headers() -> dict[str, str]:
    """The W3C headers of the current span, to be stored or sent with an event."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return {k: v for k, v in carrier.items() if k in TRACE_HEADERS}


def context_from_headers(headers: Mapping[str, str]) -> Context:
    """The remote parent context that came with an event."""
    return propagate.extract(dict(headers))
