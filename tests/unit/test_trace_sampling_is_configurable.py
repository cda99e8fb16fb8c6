"""`OTEL_TRACES_SAMPLER` / `OTEL_TRACES_SAMPLER_ARG` set the share of root operations traced; a span
with a parent follows its parent's decision whatever the ratio; a query no operation started is never
a trace of its own."""

from __future__ import annotations

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace.sampling import Decision
from opentelemetry.trace import NonRecordingSpan, SpanContext, SpanKind, TraceFlags

from backbone.settings import Settings
from backbone.telemetry import SAMPLER, configure_tracing, sample_ratio

LOW_TRACE = 0x00000000000000000000000000000001  # below any non-zero ratio's bound
HIGH_TRACE = 0x0000000000000000FFFFFFFFFFFFFFF0  # above every bound but 1


@pytest.fixture(autouse=True)
def default_ratio_afterwards():
    yield
    configure_tracing(otlp_endpoint=None, ratio=1.0)


def decide(trace_id: int, *, kind: SpanKind = SpanKind.SERVER, parent_sampled: bool | None = None):
    context = None
    if parent_sampled is not None:
        flags = TraceFlags(TraceFlags.SAMPLED if parent_sampled else TraceFlags.DEFAULT)
        parent = SpanContext(trace_id, 0xABC, is_remote=True, trace_flags=flags)
        context = trace.set_span_in_context(NonRecordingSpan(parent))
    return SAMPLER.should_sample(context, trace_id, "op", kind).decision


def test_the_standard_variables_give_the_ratio() -> None:
    assert Settings().trace_ratio == 1.0
    assert Settings(OTEL_TRACES_SAMPLER="parentbased_always_off").trace_ratio == 0.0
    assert Settings(OTEL_TRACES_SAMPLER="traceidratio", OTEL_TRACES_SAMPLER_ARG="0.1").trace_ratio == 0.1
    with pytest.raises(ValueError):
        sample_ratio("jaeger_remote", None)


def test_roots_are_sampled_at_the_ratio_by_trace_id() -> None:
    configure_tracing(otlp_endpoint=None, ratio=0.5)
    assert decide(LOW_TRACE) == Decision.RECORD_AND_SAMPLE
    assert decide(HIGH_TRACE) == Decision.DROP
    configure_tracing(otlp_endpoint=None, ratio=0.0)
    assert decide(LOW_TRACE) == Decision.DROP


def test_children_follow_their_parent_whatever_the_ratio() -> None:
    configure_tracing(otlp_endpoint=None, ratio=0.0)
    assert decide(HIGH_TRACE, kind=SpanKind.CONSUMER, parent_sampled=True) == Decision.RECORD_AND_SAMPLE
    configure_tracing(otlp_endpoint=None, ratio=1.0)
    assert decide(LOW_TRACE, kind=SpanKind.CONSUMER, parent_sampled=False) == Decision.DROP


def test_a_query_without_an_operation_is_never_a_trace() -> None:
    assert decide(LOW_TRACE, kind=SpanKind.CLIENT) == Decision.DROP
