"""case.priority_raised raises the priority of that case's open referrals, and never lowers one."""

from backbone.clock import utcnow
from contracts.events.routing import CasePriorityRaised
from tests.integration.agencies.agency_support import RunningAgency, referral_created
from tests.support.waiting import eventually


def raised(case_id: str, previous: str, priority: str) -> CasePriorityRaised:
    return CasePriorityRaised(
        case_id=case_id,
        previous_priority=previous,
        priority=priority,
        reason="injury found",
        raised_at=utcnow(),
    )


async def test_open_referrals_of_the_case_take_the_raised_priority(civil_affairs: RunningAgency) -> None:
    first = referral_created("civil_affairs", task="assessment_and_assistance", priority="P3")
    second = referral_created(
        "civil_affairs", task="rescue_and_protection", priority="P3", case_id=first.case_id
    )
    other_case = referral_created("civil_affairs", priority="P3")
    for referral in (first, second, other_case):
        await civil_affairs.receive(referral)
    await civil_affairs.step(f"referrals/{second.referral_id}/accept")

    await civil_affairs.feed(raised(first.case_id, "P3", "P2"))

    async def priorities() -> dict[str, str]:
        return {r["referral_id"]: r["priority"] for r in await civil_affairs.inbox()}

    await eventually(
        priorities,
        until=lambda p: p[first.referral_id] == p[second.referral_id] == "P2",
        what="both referrals of the case raised to P2",
    )
    assert (await priorities())[other_case.referral_id] == "P3"

    # A stale event naming a lower priority changes nothing (a marker of the same case shows it was consumed).
    marker = referral_created("civil_affairs", priority="P2", case_id=first.case_id)
    await civil_affairs.feed(raised(first.case_id, "P3", "P3"))
    await civil_affairs.receive(marker)
    assert (await priorities())[first.referral_id] == "P2"

    await civil_affairs.feed(raised(first.case_id, "P2", "P1"))
    await eventually(priorities, until=lambda p: p[first.referral_id] == "P1", what="raised to P1")
    assert (await priorities())[second.referral_id] == "P1"
    # The agency's accepted event then carries the raised priority.
    accepted = await civil_affairs.step(f"referrals/{first.referral_id}/accept")
    assert accepted["priority"] == "P1"
    [_, event] = await civil_affairs.outbox("referral.accepted.v1")
    assert event["data"]["priority"] == "P1"
