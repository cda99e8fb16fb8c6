"""Staff fields take a person's name in any script (李警官, Zoë O'Neil), bounded, without control
characters; what is refused is a 422 naming the field."""

from tests.integration.agencies.agency_support import RunningAgency, error_fields, referral_created


async def test_officer_may_be_a_chinese_name(police: RunningAgency) -> None:
    referral = referral_created("police", task="judicial_protection")
    await police.receive(referral)
    path = f"referrals/{referral.referral_id}/accept"

    assert error_fields(await police.post(path, {"officer": "李\n警官"})) == ["officer"]
    assert error_fields(await police.post(path, {"officer": "\u0007bell"})) == ["officer"]
    assert error_fields(await police.post(path, {"officer": "长" * 65})) == ["officer"]
    assert error_fields(await police.post(path, {"officer": "   "})) == ["officer"]

    accepted = await police.step(path, {"officer": " 李警官 "})
    assert accepted["accepted_by"] == "李警官"


async def test_child_director_may_be_named(civil_affairs: RunningAgency) -> None:
    referral = referral_created("civil_affairs", task="rescue_and_protection", priority="P3")
    await civil_affairs.accepted(referral)
    rid = referral.referral_id
    await civil_affairs.step(f"referrals/{rid}/assessment", {"safety": "safe", "guardianship": "adequate"})
    await civil_affairs.step(f"referrals/{rid}/monitoring")

    visit = await civil_affairs.step(
        f"referrals/{rid}/visits", {"child_safe": True, "child_director": "王主任"}
    )
    assert "王主任" in str(visit)
