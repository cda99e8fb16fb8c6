"""A step's reported time is bounded: not before the referral existed, not in the future beyond the clock
skew. Outside them it is refused (422 naming the field, nothing changes) unless the agency's supervisor
records it as a late entry with a reason; an agency system giving a reason is refused (403 naming
`late_entry_reason`), so a late entry is never a system's own say-so."""

from datetime import timedelta

from backbone.clock import utcnow
from tests.integration.agencies.agency_support import RunningAgency, error_fields, referral_created


async def test_dispatch_dated_before_the_referral_is_refused_unless_a_supervisors_late_entry(
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
    late = {"unit": "patrol-1", "dispatched_at": a_day_before, "late_entry_reason": "radio log entered late"}
    by_the_system = await police.post(f"referrals/{rid}/dispatch", late)
    assert by_the_system.status_code == 403, by_the_system.text
    assert by_the_system.json()["detail"].startswith("late_entry_reason: only a supervisor")
    assert "radio log" not in by_the_system.text
    assert await police.emitted_types() == []

    async with police.system.callers.client("police-supervisor") as supervisor:
        no_reason = {"unit": "p", "dispatched_at": a_day_before, "late_entry_reason": " "}
        blank = await supervisor.post(f"/police/v1/referrals/{rid}/dispatch", json=no_reason)
        assert error_fields(blank) == ["late_entry_reason"]
        recorded_late = await supervisor.post(f"/police/v1/referrals/{rid}/dispatch", json=late)
    assert recorded_late.status_code == 200, recorded_late.text

    assert recorded_late.json()["dispatched_at"].startswith(a_day_before[:16])
    recorded = await police.scalar(
        "SELECT field || ': ' || reason FROM agency_late_entries WHERE referral_id = :r", r=rid
    )
    assert recorded == "dispatched_at: radio log entered late"


async def test_assessment_sixty_days_back_is_refused_but_for_a_supervisor(
    civil_affairs: RunningAgency,
) -> None:
    referral = referral_created("civil_affairs", task="assessment_and_assistance", priority="P2")
    await civil_affairs.accepted(referral)
    rid = referral.referral_id
    body = {
        "safety": "safe",
        "guardianship": "adequate",
        "completed_at": (utcnow() - timedelta(days=60)).isoformat(),
    }
    late = body | {"late_entry_reason": "paper file from the county"}

    assert error_fields(await civil_affairs.post(f"referrals/{rid}/assessment", body)) == ["completed_at"]
    assert (await civil_affairs.post(f"referrals/{rid}/assessment", late)).status_code == 403
    assert await civil_affairs.emitted_types() == ["referral.accepted.v1"]
    async with civil_affairs.system.callers.client("supervisor") as supervisor:
        recorded_late = await supervisor.post(f"/civil_affairs/v1/referrals/{rid}/assessment", json=late)
    assert recorded_late.status_code in (200, 201), recorded_late.text
