"""Police steps go dispatch -> arrive -> resolve; anything else is a 409 (or a 422 for impossible times)."""

from datetime import timedelta

from backbone.clock import utcnow
from tests.integration.agencies.agency_support import RunningAgency, error_fields, referral_created


async def test_arrive_and_resolve_before_their_turn_are_refused(police: RunningAgency) -> None:
    referral = referral_created(
        "police", task="judicial_protection", priority="P2", created_at=utcnow() - timedelta(hours=1)
    )
    await police.accepted(referral)
    rid = referral.referral_id
    resolution = {"outcome": "child_safe_where_found", "injury_found": False}

    arrive = await police.post(f"referrals/{rid}/arrive", {})
    assert (arrive.status_code, arrive.json()["detail"]) == (409, "dispatch a unit first")
    resolve = await police.post(f"referrals/{rid}/resolve", resolution)
    assert (resolve.status_code, resolve.json()["detail"]) == (409, "dispatch a unit first")
    assert (await police.client.get(f"/police/v1/referrals/{rid}/response")).status_code == 404

    dispatched_at = utcnow() - timedelta(minutes=4)
    await police.step(
        f"referrals/{rid}/dispatch", {"unit": "u-1", "dispatched_at": dispatched_at.isoformat()}
    )
    twice = await police.post(f"referrals/{rid}/dispatch", {"unit": "u-2"})
    assert (twice.status_code, twice.json()["detail"]) == (
        409,
        "a unit is already dispatched to this referral",
    )
    resolve = await police.post(f"referrals/{rid}/resolve", resolution)
    assert (resolve.status_code, resolve.json()["detail"]) == (409, "record the unit's arrival first")

    before_dispatch = (dispatched_at - timedelta(minutes=1)).isoformat()
    assert error_fields(await police.post(f"referrals/{rid}/arrive", {"arrived_at": before_dispatch})) == [
        "arrived_at"
    ]
    future = (utcnow() + timedelta(hours=1)).isoformat()
    assert error_fields(await police.post(f"referrals/{rid}/arrive", {"arrived_at": future})) == [
        "arrived_at"
    ]
    assert error_fields(
        await police.post(f"referrals/{rid}/arrive", {"arrived_at": "2026-01-01T10:00:00"})
    ) == ["arrived_at"]

    response = (await police.client.get(f"/police/v1/referrals/{rid}/response")).json()
    assert (response["stage"], response["unit"], response["arrived_at"]) == ("dispatched", "u-1", None)
    assert await police.emitted_types() == ["referral.accepted.v1", "police.dispatched.v1"]

    await police.step(f"referrals/{rid}/arrive")
    assert error_fields(await police.post(f"referrals/{rid}/resolve", {"injury_found": False})) == ["outcome"]
    no_number = {"outcome": "criminal_case_opened", "injury_found": True}
    assert error_fields(await police.post(f"referrals/{rid}/resolve", no_number)) == ["criminal_case_number"]
    await police.step(f"referrals/{rid}/resolve", no_number | {"criminal_case_number": "CC-2026-0042"})
    again = await police.post(f"referrals/{rid}/resolve", resolution)
    assert (again.status_code, again.json()["detail"]) == (409, "the incident is already resolved")
    [resolved] = await police.outbox("police.resolved.v1")
    assert (
        resolved["data"]["criminal_case_number"] == "CC-2026-0042"
        and resolved["data"]["injury_found"] is True
    )
