"""The counters a service's committed events move: reports by source, breaches and escalations by agency
and clock, escalated referrals by agency; every event by type. Labels are codes, never ids."""

from prometheus_client.parser import text_string_to_metric_families

from backbone.metrics import ServiceMetrics, _Families
from contracts.envelope import CloudEvent


def envelope(event_type: str, **data: object) -> CloudEvent:
    return CloudEvent(source="/routing", type=event_type, subject="case-1", data=data)


def samples(metrics: ServiceMetrics) -> dict[tuple[str, tuple], float]:
    from prometheus_client import generate_latest

    text = generate_latest(_Families(metrics.registry.collect())).decode()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_committed_events_move_their_counters() -> None:
    metrics = ServiceMetrics("routing")
    alert = {"case_id": "case-1", "agency": "police", "clock": "police.first_dispatch", "subject_id": "r-1"}
    metrics.committed(
        [
            envelope("sla.breached.v1", **alert),
            envelope("sla.breached.v1", **alert),
            envelope("sla.escalated.v1", **alert),
            envelope("referral.escalated.v1", referral_id="r-1", case_id="case-1", agency="police"),
            envelope("report.received.v1", report_id="rep-1", case_id="case-1", source="hospital"),
        ]
    )
    found = samples(metrics)
    labels = (("agency", "police"), ("clock", "police.first_dispatch"), ("service", "routing"))
    assert found[("sla_breaches_total", labels)] == 2
    assert found[("sla_escalations_total", labels)] == 1
    assert found[("routing_referral_escalations_total", (("agency", "police"), ("service", "routing")))] == 1
    assert found[("intake_reports_received_total", (("service", "routing"), ("source", "hospital")))] == 1
    by_type = {dict(ls)["type"]: v for (n, ls), v in found.items() if n == "backbone_events_committed_total"}
    assert by_type == {
        "sla.breached.v1": 2,
        "sla.escalated.v1": 1,
        "referral.escalated.v1": 1,
        "report.received.v1": 1,
    }
    assert not [ls for (_, ls) in found if any(k.endswith("id") for k, _ in ls)], "no id is ever a label"
