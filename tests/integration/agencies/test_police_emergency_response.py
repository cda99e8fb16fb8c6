"""Police take a referral from their inbox through 受理, dispatch, arrival and resolution over REST."""

from datetime import datetime, timedelta

from backbone.clock import utcnow
from tests.integration.agencies.agency_support import RunningAgency, referral_created, stamp


async def test_accept_dispatch_arrive_resolve_emits_events_with_deadlines(police: RunningAgency) -> None:
    referral = referral_created("police", task="judicial_protection", priority="P2", area="suburban")
    await police.receive(referral)
    rid = referral.referral_id

    accepted = await police.step(f"referrals/{rid}/accept", {"officer": "officer-12"})
    assert (accepted["status"], accepted["accepted_by"]) == ("accepted", "officer-12")

    dispatched_at = utcnow() - timedelta(minutes=1)
    response = await police.step(
        f"referrals/{rid}/dispatch", {"unit": "patrol-3", "dispatched_at": dispatched_at.isoformat()}
    )
    assert response["stage"] == "dispatched"
    assert (await police.step(f"referrals/{rid}/arrive", {}))["stage"] == "arrived"
    resolved = await police.step(
        f"referrals/{rid}/resolve", {"outcome": "escorted_to_temporary_care", "injury_found": False}
    )
    assert (resolved["stage"], resolved["outcome"]) == ("resolved", "escorted_to_temporary_care")

    assert await police.emitted_types() == [
        "referral.accepted.v1",
        "police.dispatched.v1",
        "police.arrived.v1",
        "police.resolved.v1",
    ]
    [accepted_event] = await police.outbox("referral.accepted.v1")
    assert accepted_event["subject"] == referral.case_id
    assert accepted_event["data"] | {"accepted_at": None} == {
        "referral_id": rid,
        "case_id": referral.case_id,
        "agency": "police",
        "task": "judicial_protection",
        "role": "lead",
        "priority": "P2",
        "accepted_at": None,
        "officer": "officer-12",
    }
    assert stamp(accepted_event, "referral.acceptance")["action"] == "stop"

    [dispatched] = await police.outbox("police.dispatched.v1")
    assert dispatched["data"]["area"] == "suburban" and dispatched["data"]["unit"] == "patrol-3"
    first_dispatch = stamp(dispatched, "police.first_dispatch")
    assert (first_dispatch["action"], first_dispatch["subject_id"]) == ("stop", rid)
    arrival = stamp(dispatched, "police.arrival")
    assert arrival["action"] == "start"
    # Suburban target: 10 minutes from the dispatch time the police system reported.
    assert datetime.fromisoformat(arrival["due_at"]) == dispatched_at + timedelta(minutes=10)

    [arrived] = await police.outbox("police.arrived.v1")
    assert stamp(arrived, "police.arrival")["action"] == "stop"
    [resolved_event] = await police.outbox("police.resolved.v1")
    assert resolved_event["data"]["outcome"] == "escorted_to_temporary_care"
    assert stamp(resolved_event, "civil_affairs.placement")["action"] == "start"
