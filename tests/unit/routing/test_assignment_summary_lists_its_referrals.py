"""An assignment's timeline line names its agency, priority and reason, and each referral it carries."""

from datetime import UTC, datetime

from contracts.events.routing import AssignedReferral, ReferralsAssigned
from services.routing.cases.timeline import render, summarize

AT = datetime(2026, 11, 26, 9, 45, tzinfo=UTC)


def test_an_assignment_summary_lists_each_referral() -> None:
    event = ReferralsAssigned(
        case_id="c1", child_id="k1", agency="police", priority="P1", categories=["abuse"], district="370702",
        area="urban", rule_version="routing.v1", reason="triage",
        referrals=[
            AssignedReferral(referral_id="f1", task="emergency_response", role="lead", emergency=True),
            AssignedReferral(referral_id="f2", task="judicial_protection", role="lead", emergency=False),
        ],
        assigned_at=AT,
    )  # fmt: skip
    assert summarize(event) == (
        "referrals to police (P1); reason triage: "
        "f1 emergency_response (lead, emergency); f2 judicial_protection (lead)"
    )
    assert render(event.TYPE, event.model_dump(mode="json")) == (AT, None, summarize(event))
