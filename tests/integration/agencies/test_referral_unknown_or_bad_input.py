"""Unknown referrals answer 404; bad bodies and queries answer 422 naming the field, and change nothing."""

from tests.integration.agencies.agency_support import RunningAgency, error_fields, referral_created


async def test_unknown_referral_is_404_for_every_route(police: RunningAgency) -> None:
    assert (await police.client.get("/police/v1/referrals/nope")).status_code == 404
    for path, body in (
        ("referrals/nope/accept", None),
        ("referrals/nope/decline", {"reason_code": "other", "reason": "r"}),
        ("referrals/nope/hold", {"reason": "r"}),
        ("referrals/nope/resume", None),
        ("referrals/nope/notes", {"note": "n"}),
        ("referrals/nope/complete", {"outcome": "o"}),
        ("referrals/nope/dispatch", {"unit": "u-1"}),
        ("referrals/nope/arrive", {}),
        ("referrals/nope/resolve", {"outcome": "child_not_found", "injury_found": False}),
    ):
        response = await police.post(path, body)
        assert response.status_code == 404, path
        assert response.json()["detail"] == "no referral with this id", path


async def test_bad_bodies_and_queries_name_the_field(police: RunningAgency) -> None:
    referral = referral_created("police", task="judicial_protection")
    await police.receive(referral)
    rid = referral.referral_id

    bad_status = await police.client.get("/police/v1/referrals", params={"status": "lost"})
    assert error_fields(bad_status) == ["status"]
    assert error_fields(await police.post(f"referrals/{rid}/decline", {})) == ["reason_code", "reason"]
    decline = f"referrals/{rid}/decline"
    code = {"reason_code": "outside_mandate"}
    assert error_fields(await police.post(decline, {**code, "reason": "   "})) == ["reason"]
    assert error_fields(await police.post(decline, {**code, "reason": "x" * 501})) == ["reason"]
    unlisted = await police.post(f"referrals/{rid}/decline", {"reason_code": "bored", "reason": "r"})
    assert error_fields(unlisted) == ["reason_code"]
    assert "bored" not in unlisted.text  # named, never echoed
    # An officer is a staff id or a name in any script, but never carries control characters.
    assert error_fields(await police.post(f"referrals/{rid}/accept", {"officer": "王\t警官"})) == ["officer"]
    assert error_fields(await police.post(f"referrals/{rid}/accept", {"oficer": "o-1"})) == ["oficer"]

    assert (await police.referral(rid))["status"] == "pending"
    assert await police.emitted_types() == []

    await police.step(f"referrals/{rid}/accept")
    assert error_fields(await police.post(f"referrals/{rid}/complete", {"outcome": ""})) == ["outcome"]
    assert (await police.referral(rid))["status"] == "accepted"
