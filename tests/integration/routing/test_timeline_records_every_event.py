"""Every event routing consumes about a case, and every one it emits, is on the case's timeline in order."""

from datetime import date

from contracts.events.civil_affairs import (
    AssessmentCompleted,
    AssistancePlanned,
    InterventionDecided,
    PlacementRecorded,
    ReporterInformed,
    VisitLogged,
)
from contracts.events.education import (
    AidEnrolled,
    PsychologicalSupportStarted,
    ReturnPlanMade,
    SchoolContacted,
)
from contracts.events.health import HealthAdmitted, HealthDischarged, MentalHealthAssessed
from contracts.events.intake import ReporterFeedbackRecorded
from contracts.events.police import PoliceArrived, PoliceDispatched
from tests.integration.routing.routing_support import NOW, Routing, envelope_of, new_id, referral_of, report

SECRET_PLACE = "幸福路1号"


async def test_agency_events_are_appended_in_order_without_personal_data(routing: Routing) -> None:
    case_id = new_id("case")
    first = report(case_id, categories=["abuse", "dropout", "mental_health"], immediate_danger=True)
    case = await routing.opened(first)
    ids = {
        "police": referral_of(case, "police", "emergency_response")["referral_id"],
        "health": referral_of(case, "health", "psychological_care")["referral_id"],
        "education": referral_of(case, "education", "education_support")["referral_id"],
        "civil_affairs": referral_of(case, "civil_affairs", "rescue_and_protection")["referral_id"],
    }
    police, health, school, civil = (ids[a] for a in ("police", "health", "education", "civil_affairs"))
    at = {"case_id": case_id}
    events = [
        (
            "police",
            PoliceDispatched(referral_id=police, unit="unit-7", area="urban", dispatched_at=NOW, **at),
        ),
        ("police", PoliceArrived(referral_id=police, arrived_at=NOW, **at)),
        ("health", HealthAdmitted(referral_id=health, hospital=SECRET_PLACE, admitted_at=NOW, **at)),
        (
            "health",
            MentalHealthAssessed(
                referral_id=health, risk="moderate", follow_up_needed=True, assessed_at=NOW, **at
            ),
        ),
        ("health", HealthDischarged(referral_id=health, discharged_to="relatives", discharged_at=NOW, **at)),
        ("education", SchoolContacted(referral_id=school, school=SECRET_PLACE, contacted_at=NOW, **at)),
        (
            "education",
            ReturnPlanMade(
                referral_id=school,
                school=SECRET_PLACE,
                planned_return_date=date(2026, 12, 1),
                made_at=NOW,
                **at,
            ),
        ),
        ("education", AidEnrolled(referral_id=school, programme="fee_waiver", enrolled_at=NOW, **at)),
        ("education", PsychologicalSupportStarted(referral_id=school, started_at=NOW, **at)),
        (
            "civil_affairs",
            AssessmentCompleted(
                referral_id=civil,
                safety="at_risk",
                guardianship="harmful",
                guardianship_failure=True,
                needs=["legal_aid"],
                completed_at=NOW,
                **at,
            ),
        ),
        ("civil_affairs", AssistancePlanned(referral_id=civil, measures=["legal_aid"], planned_at=NOW, **at)),
        (
            "civil_affairs",
            PlacementRecorded(
                referral_id=civil, placement="kinship", institution=SECRET_PLACE, placed_at=NOW, **at
            ),
        ),
        (
            "civil_affairs",
            InterventionDecided(referral_id=civil, intervention="kinship_placement", decided_at=NOW, **at),
        ),
        ("civil_affairs", VisitLogged(referral_id=civil, child_safe=True, visited_at=NOW, **at)),
        ("civil_affairs", ReporterInformed(referral_id=civil, message=SECRET_PLACE, informed_at=NOW, **at)),
        ("intake", ReporterFeedbackRecorded(report_ids=[first.report_id], recorded_at=NOW, **at)),
    ]
    envelopes = [envelope_of(event, publisher=publisher) for publisher, event in events]
    before = len(case["timeline"])

    # One publisher's events share a topic and the case's key, so they arrive in order; across
    # publishers routing applies them as they come. Send one publisher at a time to fix the order.
    for publisher in ("police", "health", "education", "civil_affairs", "intake"):
        batch = [e for (p, _), e in zip(events, envelopes, strict=True) if p == publisher]
        await routing.publish(*batch)
        case = await routing.case_when(
            case_id, lambda c, last=batch[-1].id: any(e["event_id"] == last for e in c["timeline"]), publisher
        )

    added = case["timeline"][before:]
    assert [(e["event_id"], e["type"], e["source"]) for e in added] == [
        (e.id, e.type, e.source) for e in envelopes
    ]
    assert all(e["summary"] and SECRET_PLACE not in e["summary"] for e in case["timeline"])
    assert added[0]["referral_id"] == ids["police"]
    assert added[0]["summary"] == "police unit unit-7 dispatched (urban)"
