"""When routing withdraws a referral the agency records who withdrew it and why, and every further step is
refused with 409; a repeated withdrawal changes nothing. (Routing cancels its deadlines: the e2e
`test_referral_withdrawn_held_and_noted.py` reads them in the agency's view.)"""

from backbone.clock import utcnow
from contracts.events.routing import ReferralWithdrawn
from tests.integration.agencies.agency_support import RunningAgency, referral_created
from tests.support.waiting import eventually


async def test_withdrawn_referral(education: RunningAgency) -> None:
    referral = referral_created("education", task="education_support", priority="P2")
    await education.receive(referral)  # fed once: a second copy (a new event id) would restart acceptance
    rid = referral.referral_id
    await education.step(f"referrals/{rid}/accept")
    withdrawn = ReferralWithdrawn(
        referral_id=rid,
        case_id=referral.case_id,
        agency="education",
        task="education_support",
        role="lead",
        reason="the family moved to another city",
        withdrawn_by="civil_affairs.supervisor",
        withdrawn_at=utcnow(),
    )
    await education.feed(withdrawn, withdrawn)

    shown = await eventually(
        lambda: education.referral(rid), until=lambda r: r["status"] == "withdrawn", what="withdrawn"
    )
    assert (shown["withdrawn_by"], shown["withdraw_reason"]) == (
        "civil_affairs.supervisor",
        "the family moved to another city",
    )
    for action, body in (
        ("school-contact", {"school": "实验小学"}),
        ("complete", {"outcome": "done"}),
        ("hold", {"reason": "r"}),
        ("notes", {"note": "n"}),
        ("decline", {"reason_code": "other", "reason": "r"}),
    ):
        refused = await education.post(f"referrals/{rid}/{action}", body)
        assert refused.status_code == 409, action
        assert "withdrawn" in refused.json()["detail"], action
    assert [t for t in await education.emitted_types() if t.startswith("referral.")] == [
        "referral.accepted.v1"
    ]
