"""An agency puts an accepted referral on hold with a reason: no step is taken on it until it is resumed,
and the hold and the resume are published (routing pauses the referral's clocks on them:
`tests/integration/routing/test_hold_pauses_referral_clocks.py`)."""

from tests.integration.agencies.agency_support import RunningAgency, referral_created


async def test_hold_then_resume(police: RunningAgency, fake_clock) -> None:
    referral = referral_created("police", task="emergency_response", priority="P1", emergency=True)
    await police.feed(referral)
    rid = referral.referral_id
    await police.receive(referral)
    await police.step(f"referrals/{rid}/accept")
    await police.step(f"referrals/{rid}/dispatch", {"unit": "patrol-3"})

    fake_clock.advance(minutes=1)
    held = await police.step(f"referrals/{rid}/hold", {"reason": "scene sealed until the prosecutor comes"})
    assert (held["status"], held["hold_reason"]) == ("on_hold", "scene sealed until the prosecutor comes")
    for path, body in ((f"referrals/{rid}/arrive", {}), (f"referrals/{rid}/hold", {"reason": "again"})):
        refused = await police.post(path, body)
        assert refused.status_code == 409, path
        assert "on hold" in refused.json()["detail"]
    assert error_field(await police.post(f"referrals/{rid}/hold", {"reason": ""})) == "reason"

    fake_clock.advance(minutes=10)  # past the 5-minute target, but on hold
    resumed = await police.step(f"referrals/{rid}/resume")
    assert (resumed["status"], resumed["held_at"], resumed["hold_reason"]) == ("accepted", None, None)
    again = await police.post(f"referrals/{rid}/resume")
    assert (again.status_code, "not on hold" in again.json()["detail"]) == (409, True)

    types = await police.emitted_types()
    assert [t for t in types if t.startswith("referral.")] == [
        "referral.accepted.v1",
        "referral.held.v1",
        "referral.resumed.v1",
    ]
    [held_event] = await police.outbox("referral.held.v1")
    assert held_event["data"]["reason"] == "scene sealed until the prosecutor comes"
    assert held_event["data"]["agency"] == "police"


def error_field(response) -> str:
    assert response.status_code == 422, response.text
    return response.json()["detail"][0]["loc"][-1]
