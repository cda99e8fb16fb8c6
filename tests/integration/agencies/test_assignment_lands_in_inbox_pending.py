"""An assignment routing sends to an agency puts each of its referrals in that agency's inbox as pending
(once, however often it is delivered) and starts their deadlines; another agency's assignment is ignored."""

from datetime import datetime, timedelta

from tests.integration.agencies.agency_support import RunningAgency, referral_created, referrals_assigned
from tests.support.paging import items
from tests.support.waiting import eventually


async def test_each_referral_of_the_assignment_is_pending_with_its_deadlines(police: RunningAgency) -> None:
    assignment = referrals_assigned(
        "police", ("emergency_response", "lead", True), ("judicial_protection", "responsible", False)
    )
    other = referrals_assigned("health", ("medical_protection", "lead", True), case_id=assignment.case_id)
    marker = referral_created("police", case_id=assignment.case_id)  # the older type, still accepted
    await police.feed(other, assignment, assignment, marker)  # the assignment delivered twice
    await police.receive(marker)

    rows = [r for r in await police.inbox() if r["referral_id"] != marker.referral_id]
    assert sorted(
        (r["referral_id"], r["task"], r["role"], r["emergency"], r["status"]) for r in rows
    ) == sorted(
        (item.referral_id, item.task, item.role.value, item.emergency, "pending")
        for item in assignment.referrals
    )
    assert {(r["case_id"], r["child_id"], r["priority"], r["district"], r["area"]) for r in rows} == {
        (assignment.case_id, assignment.child_id, "P1", "370702", "urban")
    }
    assert all(r["categories"] == ["abuse"] for r in rows)
    assert await police.emitted_types() == []

    emergency, judicial = assignment.referrals
    deadlines = await eventually(
        lambda: police_deadlines(police, assignment.case_id),
        until=lambda found: len(found) == 4,
        what="the assignment's and the marker's deadlines",
    )
    assert deadlines == {
        ("police.first_dispatch", emergency.referral_id): assignment.assigned_at + timedelta(minutes=3),
        ("referral.acceptance", emergency.referral_id): assignment.assigned_at + timedelta(hours=1),
        ("referral.acceptance", judicial.referral_id): assignment.assigned_at + timedelta(hours=1),
        ("referral.acceptance", marker.referral_id): marker.created_at + timedelta(hours=4),
    }


async def police_deadlines(police: RunningAgency, case_id: str) -> dict[tuple[str, str], datetime]:
    rows = items(await police.client.get("/police/v1/sla"))
    return {
        (r["clock"], r["subject_id"]): datetime.fromisoformat(r["due_at"])
        for r in rows
        if r["case_id"] == case_id
    }
