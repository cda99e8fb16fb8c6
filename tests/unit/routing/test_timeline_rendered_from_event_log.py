"""The timeline is rendered from the event log: an envelope stored as consumed or emitted reads back as
the line, time and referral the event itself gives, and a child's name is kept masked."""

from datetime import UTC, datetime

from contracts.envelope import CloudEvent, Event
from contracts.events.agencies import ReferralDeclinedV1
from contracts.events.routing import ReferralCreated
from services.routing.cases.timeline import event_row, render, summarize
from sla.stamping import occurred_at
from tests.unit.routing.report_plans import p1_report

AT = datetime(2026, 11, 26, 9, 45, tzinfo=UTC)


def envelope(event: Event, source: str) -> CloudEvent:
    return CloudEvent(
        source=source, type=event.TYPE, subject=event.case_id, data=event.model_dump(mode="json")
    )


def test_an_emitted_event_renders_as_it_was_summarised() -> None:
    created = ReferralCreated(
        referral_id="referral-1",
        case_id="case-1",
        child_id="child-1",
        agency="police",
        task="emergency_response",
        role="lead",
        priority="P1",
        emergency=True,
        categories=["abuse"],
        district="370702",
        area="urban",
        rule_version="routing.v1",
        reason="triage",
        created_at=AT,
    )
    sent = envelope(created, "/routing")
    row = event_row(case_id="case-1", envelope=sent)

    assert row == {
        "event_id": sent.id,
        "case_id": "case-1",
        "event_type": "referral.created.v1",
        "source": "/routing",
        "time": sent.time,
        "data": sent.data,
    }
    assert render(row["event_type"], row["data"]) == (AT, "referral-1", summarize(created))


def test_an_older_version_renders_as_its_upcast_and_names_stay_masked() -> None:
    declined = ReferralDeclinedV1(
        referral_id="referral-1",
        case_id="case-1",
        agency="police",
        task="emergency_response",
        role="lead",
        priority="P1",
        reason="not ours",
        declined_at=AT,
    )
    row = event_row(case_id="case-1", envelope=envelope(declined, "/police"))
    assert (
        render(row["event_type"], row["data"])[2]
        == "police declined referral referral-1 (emergency_response, lead)"
    )

    report = p1_report(child_display_name="张小明")
    row = event_row(case_id="case-1", envelope=envelope(report, "/intake"))
    assert row["data"]["child_display_name"] == "张**"
    assert render(row["event_type"], row["data"]) == (occurred_at(report), None, summarize(report))
