"""Casework follows its order: assessment before assistance, intervention and monitoring; visits under
monitoring; no closing with a guardianship failure undecided; only the lead referral closes the case."""

from tests.integration.agencies.agency_support import RunningAgency, error_fields, referral_created


async def test_steps_before_the_assessment_are_refused_but_placement_is_not(
    civil_affairs: RunningAgency,
) -> None:
    referral = referral_created("civil_affairs", task="rescue_and_protection", priority="P1")
    await civil_affairs.accepted(referral)
    rid = referral.referral_id

    for path, body in (
        ("assistance-plan", {"measures": ["temporary_relief"]}),
        ("intervention", {"decision": "kinship_placement"}),
        ("monitoring", None),
    ):
        refused = await civil_affairs.post(f"referrals/{rid}/{path}", body)
        assert (refused.status_code, refused.json()["detail"]) == (409, "complete the assessment first"), path
    visit = await civil_affairs.post(f"referrals/{rid}/visits", {"child_safe": True})
    assert visit.status_code == 409 and visit.json()["detail"].startswith("start monitoring first")

    # A child escorted to temporary care is placed within 24 hours, before any assessment.
    no_institution = {"placement": "temporary_guardianship_rescue_centre"}
    assert error_fields(await civil_affairs.post(f"referrals/{rid}/placement", no_institution)) == [
        "institution"
    ]
    await civil_affairs.step(f"referrals/{rid}/placement", {"placement": "kinship"})

    await civil_affairs.step(f"referrals/{rid}/assessment", {"safety": "in_danger", "guardianship": "absent"})
    again = await civil_affairs.post(
        f"referrals/{rid}/assessment", {"safety": "safe", "guardianship": "adequate"}
    )
    assert (again.status_code, again.json()["detail"]) == (409, "the assessment is already completed")
    close = await civil_affairs.post(f"referrals/{rid}/close-case", {"outcome": "done"})
    assert close.status_code == 409
    assert close.json()["detail"].endswith("decide the intervention first")
    assert error_fields(await civil_affairs.post(f"referrals/{rid}/intervention", {"decision": "adopt"})) == [
        "decision"
    ]

    assert await civil_affairs.emitted_types() == [
        "referral.accepted.v1",
        "civil_affairs.placement_recorded.v1",
        "civil_affairs.assessment_completed.v1",
    ]
    assert (await civil_affairs.referral(rid))["status"] == "accepted"


async def test_a_responsible_referral_cannot_close_the_case(civil_affairs: RunningAgency) -> None:
    referral = referral_created("civil_affairs", task="medical_protection", role="responsible")
    await civil_affairs.accepted(referral)
    rid = referral.referral_id
    assessed = await civil_affairs.step(
        f"referrals/{rid}/assessment", {"safety": "safe", "guardianship": "adequate", "needs": []}
    )
    assert assessed["guardianship_failure"] is False

    refused = await civil_affairs.post(f"referrals/{rid}/close-case", {"outcome": "done"})

    # The access policy closes a case only through the lead agency's referral (resource lead_referral).
    assert (refused.status_code, refused.json()["detail"]) == (
        403,
        "the access policy refuses this caller: close case",
    )
    await civil_affairs.step(f"referrals/{rid}/complete", {"outcome": "medical costs covered"})
    assert "civil_affairs.case_closed.v1" not in await civil_affairs.emitted_types()
