"""An assignment (`referrals.assigned`) is pushed to its agency's subscriptions in the case's district, with
its referrals and deadlines as sent; it makes the agency one the case's later events (a priority raise)
are addressed to, as a referral.created does. Another agency's assignment is not delivered."""

import uuid
from datetime import datetime, timedelta

from contracts.events.routing import AssignedDeadline, AssignedReferral, CasePriorityRaised, ReferralsAssigned
from tests.integration.notifications.notification_support import subscribe
from tests.support.deadline_events import emit
from tests.support.waiting import eventually
from tests.support.webhook_receiver import Receiver, receiving


def assignment(case_id: str, at: datetime, agency: str) -> ReferralsAssigned:
    referral_id = f"ref-{uuid.uuid4().hex[:8]}"
    return ReferralsAssigned(
        case_id=case_id,
        child_id=f"child-{case_id}",
        agency=agency,
        priority="P2",
        categories=["abuse"],
        district="370702",
        area="urban",
        rule_version="test",
        reason="triage",
        referrals=[
            AssignedReferral(referral_id=referral_id, task="emergency_response", role="lead", emergency=False)
        ],
        deadlines=[
            AssignedDeadline(
                clock="referral.acceptance",
                subject_id=referral_id,
                started_at=at,
                due_at=at + timedelta(hours=4),
                policy_version="sla.v1",
            )
        ],
        assigned_at=at,
    )


async def test_an_assignment_reaches_its_agency_and_addresses_the_case(
    notifications_system, fake_clock
) -> None:
    system, police = notifications_system
    async with receiving(Receiver()) as receiver:
        subscription = await subscribe(police, receiver.url, ["referrals.assigned", "case.priority_raised"])
        receiver.secrets.append(subscription["secret"])
        async with system.callers.client("police-dispatch-370703") as next_door:  # another district's police
            await subscribe(next_door, f"{receiver.url}/next-door", ["referrals.assigned"])
        sent = assignment("case-p", fake_clock.now, "police")
        await emit(system, "routing", assignment("case-h", fake_clock.now, "health"), case_id="case-h")
        await emit(system, "routing", sent, case_id="case-p")
        raised = CasePriorityRaised(
            case_id="case-p", previous_priority="P2", priority="P1", reason="injury", raised_at=fake_clock.now
        )
        await emit(system, "routing", raised, case_id="case-p")
        await eventually(lambda: _applied(receiver), until=lambda n: n == 2, what="both events applied")

    assert receiver.per_case() == {"case-p": ["referrals.assigned.v1", "case.priority_raised.v1"]}
    [delivered, _] = receiver.applied.values()
    assert delivered["data"] == sent.model_dump(mode="json")
    async with system.callers.client("police-dispatch-370703") as next_door:
        assert (await next_door.get("/notifications/v1/deliveries")).json()["total"] == 0


async def _applied(receiver: Receiver) -> int:
    return len(receiver.applied)
