"""A subscription to `referral.created` alone (the type that carried every referral before assignments)
still receives each referral of an assignment, as the `referral.created.v1` it expects, once per
referral; a subscription naming `referrals.assigned` gets the assignment itself, once."""

from contracts.events.routing import AssignedReferral, ReferralCreated
from tests.integration.notifications.notification_support import subscribe
from tests.integration.notifications.test_assignments_are_pushed_to_their_agency import assignment
from tests.support.deadline_events import emit
from tests.support.waiting import eventually
from tests.support.webhook_receiver import Receiver, receiving


async def test_an_assignment_reaches_an_older_subscription_referral_by_referral(
    notifications_system, fake_clock
) -> None:
    system, police = notifications_system
    sent = assignment("case-o", fake_clock.now, "police")
    sent.referrals.append(
        AssignedReferral(
            referral_id="ref-second", task="rescue_and_protection", role="responsible", emergency=False
        )
    )
    async with receiving(Receiver()) as older, receiving(Receiver()) as newer:
        for receiver, families in (
            (older, ["referral.created"]),
            (newer, ["referrals.assigned", "referral.created"]),
        ):
            receiver.secrets.append((await subscribe(police, receiver.url, families))["secret"])
        await emit(system, "routing", sent, case_id="case-o")
        await eventually(lambda: _applied(older), until=lambda n: n == 2, what="both referrals applied")
        await eventually(lambda: _applied(newer), until=lambda n: n == 1, what="the assignment applied")

    assert older.per_case() == {"case-o": ["referral.created.v1", "referral.created.v1"]}
    received = [ReferralCreated.model_validate(body["data"]) for body in older.applied.values()]
    assert received == sent.each_referral()
    assert [r.referral_id for r in received] == [r.referral_id for r in sent.referrals]
    assert newer.per_case() == {"case-o": ["referrals.assigned.v1"]}


async def _applied(receiver: Receiver) -> int:
    return len(receiver.applied)
