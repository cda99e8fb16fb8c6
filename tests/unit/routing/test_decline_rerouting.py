"""What a declined referral leads to: re-routing to civil affairs, escalation, or nothing."""

import pytest

from services.routing.cases.decisions import Accept, DeclinedReferral, Escalate, Reroute, after_decline
from services.routing.triage import Agency


@pytest.mark.parametrize(
    ("agency", "task"),
    [
        ("police", "judicial_protection"),
        ("police", "emergency_response"),
        ("health", "medical_protection"),
        ("education", "education_support"),
    ],
)
def test_a_declined_lead_referral_goes_to_civil_affairs_for_the_same_task(agency: str, task: str) -> None:
    action = after_decline(DeclinedReferral(agency, task, "lead", "triage"))
    assert action == Reroute(Agency.CIVIL_AFFAIRS, task, "lead")


@pytest.mark.parametrize("reason", ["triage", "new_report", "police_outcome"])
def test_civil_affairs_declining_goes_to_the_joint_meeting_office(reason: str) -> None:
    action = after_decline(DeclinedReferral("civil_affairs", "rescue_and_protection", "lead", reason))
    assert action == Escalate("civil_affairs, the overall lead, declined")


def test_civil_affairs_declining_even_a_supporting_role_is_escalated() -> None:
    action = after_decline(DeclinedReferral("civil_affairs", "medical_protection", "responsible", "triage"))
    assert isinstance(action, Escalate)


def test_a_rerouted_referral_declined_again_is_escalated_not_rerouted_in_a_loop() -> None:
    action = after_decline(DeclinedReferral("civil_affairs", "judicial_protection", "lead", "rerouted"))
    assert action == Escalate("a re-routed referral was declined again")


@pytest.mark.parametrize("agency", ["police", "health", "education"])
def test_a_declined_responsible_referral_stays_with_the_task_lead(agency: str) -> None:
    assert (
        after_decline(DeclinedReferral(agency, "rescue_and_protection", "responsible", "triage")) == Accept()
    )
