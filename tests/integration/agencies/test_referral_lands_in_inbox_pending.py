"""A referral routing sends to an agency lands in that agency's inbox as pending, with what routing said."""

from tests.integration.agencies.agency_support import RunningAgency, referral_created


async def test_referral_created_for_the_agency_is_pending_in_its_inbox(education: RunningAgency) -> None:
    referral = referral_created(
        "education", task="education_support", priority="P3", role="lead", area="rural"
    )

    pending = await education.receive(referral)

    assert pending["status"] == "pending"
    assert {
        k: pending[k] for k in ("case_id", "child_id", "task", "role", "priority", "emergency", "area")
    } == {
        "case_id": referral.case_id,
        "child_id": referral.child_id,
        "task": "education_support",
        "role": "lead",
        "priority": "P3",
        "emergency": False,
        "area": "rural",
    }
    assert pending["categories"] == ["abuse"] and pending["district"] == "370702"
    assert await education.referral(referral.referral_id) == pending
    assert await education.inbox("accepted") == []
    # Receiving emits nothing: routing's own event started the acceptance clock.
    assert await education.emitted_types() == []


async def test_the_same_referral_delivered_again_is_stored_once(education: RunningAgency) -> None:
    referral = referral_created("education", task="education_support")
    await education.receive(referral)
    await education.step(f"referrals/{referral.referral_id}/accept")

    # A replay with a new event id (say, routing re-publishing) must not reset the referral to pending.
    marker = referral_created("education", case_id=referral.case_id)
    await education.feed(referral, marker)
    await education.receive(marker)

    assert [r["referral_id"] for r in await education.inbox()] == [referral.referral_id, marker.referral_id]
    assert (await education.referral(referral.referral_id))["status"] == "accepted"
