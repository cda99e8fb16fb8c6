"""An agency completes a referral only when its own work allows: police once the incident is resolved,
civil affairs once a guardianship failure has its intervention."""

from tests.integration.agencies.agency_support import RunningAgency, referral_created


async def test_police_referral_completes_only_after_resolution(police: RunningAgency) -> None:
    referral = referral_created("police", task="missing_child", priority="P2")
    await police.accepted(referral)
    rid = referral.referral_id
    await police.step(f"referrals/{rid}/dispatch", {"unit": "patrol-9"})

    refused = await police.post(f"referrals/{rid}/complete", {"outcome": "child found"})

    assert (refused.status_code, refused.json()["detail"]) == (
        409,
        "the dispatched unit has not resolved the incident: resolve it first",
    )
    assert (await police.referral(rid))["status"] == "accepted"
    await police.step(f"referrals/{rid}/arrive")
    await police.step(f"referrals/{rid}/resolve", {"outcome": "escorted_to_relatives", "injury_found": False})
    assert (await police.step(f"referrals/{rid}/complete", {"outcome": "child found"}))[
        "status"
    ] == "completed"
    assert (await police.emitted_types())[-1] == "referral.completed.v1"


async def test_civil_affairs_referral_with_undecided_failure_is_not_completed(
    civil_affairs: RunningAgency,
) -> None:
    referral = referral_created("civil_affairs", task="rescue_and_protection")
    await civil_affairs.accepted(referral)
    rid = referral.referral_id
    await civil_affairs.step(
        f"referrals/{rid}/assessment", {"safety": "at_risk", "guardianship": "inadequate"}
    )

    refused = await civil_affairs.post(f"referrals/{rid}/complete", {"outcome": "done"})

    assert refused.status_code == 409
    assert refused.json()["detail"].endswith("decide the intervention first")
    await civil_affairs.step(f"referrals/{rid}/intervention", {"decision": "kinship_placement"})
    assert (await civil_affairs.step(f"referrals/{rid}/complete", {"outcome": "with the aunt"}))[
        "status"
    ] == "completed"
