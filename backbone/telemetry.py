"""OpenTelemetry: one tracer provider per process, W3C trace context carried across every hop.

Trace context crosses the outbox too: it is saved with the outbox row when the event is recorded and
restored when the relay publishes, so one report stays one trace from intake to the last agency.
"""

from __future__ import annotations

from collections.abc import Mapping

from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

_provider: TracerProvider | None = None
TRACE_HEADERS = ("traceparent", "tracestate")


def configure_tracing(*, service_name: str, otlp_endpoint: str | None) -> TracerProvider:
    """Install the process's tracer provider once; export with OTLP/HTTP when an endpoint is given."""
    global _provider
    if _provider is not None:
        return _provider
    _provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    if otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        endpoint = otlp_endpoint.rstrip("/") + "/v1/traces"
        _provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    trace.set_tracer_provider(_provider)
    return _provider


def add_span_processor(processor: SpanProcessor) -> None:
    """Attach another processor (tests attach an in-memory exporter)."""
    if _provider is None:
        raise RuntimeError("configure_tracing() has not been called")
    _provider.add_span_processor(processor)


def tracer(service: str) -> trace.Tracer:
    """The tracer a service's own spans come from; its name tells which service made a span."""
    return trace.get_tracer(f"backbone.{service}")


def current_trace_headers() -> dict[str, str]:
    """The W3C headers of the current span, to be stored or sent with an event."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return {k: v for k, v in carrier.items() if k in TRACE_HEADERS}


def context_from_headers(headers: Mapping[str, str]) -> Context:
    """The remote parent context that came with an event."""
    return propagate.extract(dict(headers))
