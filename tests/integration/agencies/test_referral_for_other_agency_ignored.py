"""An agency's inbox keeps only the referrals addressed to it; routing's topic carries everyone's."""

from tests.integration.agencies.agency_support import RunningAgency, referral_created


async def test_referral_for_health_is_not_stored_by_police(police: RunningAgency) -> None:
    for_health = referral_created("health", task="medical_protection")
    # Same case, so the same partition: once the police referral is in, the health one was consumed.
    for_police = referral_created("police", task="judicial_protection", case_id=for_health.case_id)
    await police.feed(for_health)
    await police.receive(for_police)

    assert [r["referral_id"] for r in await police.inbox()] == [for_police.referral_id]
    missing = await police.client.get(f"/police/v1/referrals/{for_health.referral_id}")
    assert missing.status_code == 404
    accept = await police.post(f"referrals/{for_health.referral_id}/accept")
    assert accept.status_code == 404
    assert await police.emitted_types() == []
