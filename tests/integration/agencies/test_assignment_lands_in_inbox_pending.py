"""An assignment routing sends to an agency puts each of its referrals in that agency's inbox as pending
(once, however often it is delivered); another agency's assignment is ignored. (Their deadlines are
routing's clocks: `tests/integration/deadlines/test_agency_sees_its_deadlines.py`.)"""

from tests.integration.agencies.agency_support import RunningAgency, referral_created, referrals_assigned


async def test_each_referral_of_the_assignment_is_pending(police: RunningAgency) -> None:
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
