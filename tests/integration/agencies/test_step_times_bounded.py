"""A step's reported time is bounded: not before the referral existed, not in the future beyond the clock
skew. Outside them it is refused (422 naming the field, nothing changes) unless it is recorded as a late
entry with a reason."""

from datetime import timedelta

from backbone.clock import utcnow
from tests.integration.agencies.agency_support import RunningAgency, error_fields, referral_created


async def test_dispatch_dated_before_the_referral_is_refused_unless_a_late_entry(
    police: RunningAgency,
) -> None:
    referral = referral_created("police", task="emergency_response", priority="P1", emergency=True)
    await police.receive(referral)
    rid = referral.referral_id
    a_day_before = (referral.created_at - timedelta(days=1)).isoformat()

    refused = await police.post(
        f"referrals/{rid}/dispatch", {"unit": "patrol-1", "dispatched_at": a_day_before}
    )
    assert error_fields(refused) == ["dispatched_at"]
    assert "before the referral" in refused.json()["detail"][0]["msg"]
    assert a_day_before not in refused.text
    assert await police.emitted_types() == []
    ahead = (utcnow() + timedelta(minutes=10)).isoformat()
    assert error_fields(
        await police.post(f"referrals/{rid}/dispatch", {"unit": "p", "dispatched_at": ahead})
    ) == ["dispatched_at"]
    no_reason = {"unit": "p", "dispatched_at": a_day_before, "late_entry_reason": " "}
    assert error_fields(await police.post(f"referrals/{rid}/dispatch", no_reason)) == ["late_entry_reason"]

    late = {"unit": "patrol-1", "dispatched_at": a_day_before, "late_entry_reason": "radio log entered late"}
    dispatched = await police.step(f"referrals/{rid}/dispatch", late)

    assert dispatched["dispatched_at"].startswith(a_day_before[:16])
    recorded = await police.scalar(
        "SELECT field || ': ' || reason FROM agency_late_entries WHERE referral_id = :r", r=rid
    )
    assert recorded == "dispatched_at: radio log entered late"


async def test_assessment_sixty_days_back_is_refused(civil_affairs: RunningAgency) -> None:
    referral = referral_created("civil_affairs", task="assessment_and_assistance", priority="P2")
    await civil_affairs.accepted(referral)
    rid = referral.referral_id
    body = {
        "safety": "safe",
        "guardianship": "adequate",
        "completed_at": (utcnow() - timedelta(days=60)).isoformat(),
    }

    assert error_fields(await civil_affairs.post(f"referrals/{rid}/assessment", body)) == ["completed_at"]
    assert await civil_affairs.emitted_types() == ["referral.accepted.v1"]
    await civil_affairs.step(
        f"referrals/{rid}/assessment", body | {"late_entry_reason": "paper file from the county"}
    )
