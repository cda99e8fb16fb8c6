"""Education keeps the child in school (控辍保学): contact, a return plan, aid and psychological support."""

from datetime import timedelta

from backbone.clock import utcnow
from tests.integration.agencies.agency_support import RunningAgency, error_fields, referral_created, stamp


async def test_school_contact_return_plan_aid_and_support(education: RunningAgency) -> None:
    referral = referral_created("education", task="education_support", priority="P3")
    await education.accepted(referral)
    rid = referral.referral_id
    [accepted] = await education.outbox("referral.accepted.v1")
    assert stamp(accepted, "education.follow_up")["action"] == "start"
    assert stamp(accepted, "education.return_plan")["action"] == "start"

    next_week = (utcnow() + timedelta(days=7)).date().isoformat()
    early = await education.post(
        f"referrals/{rid}/return-plan", {"school": "No. 2 Middle School", "planned_return_date": next_week}
    )
    assert (early.status_code, early.json()["detail"]) == (
        409,
        "record the school's contact with the child and family first",
    )

    contacted = await education.step(f"referrals/{rid}/school-contact", {"school": "No. 2 Middle School"})
    assert contacted["school"] == "No. 2 Middle School" and contacted["contacted_at"]
    again = await education.post(f"referrals/{rid}/school-contact", {"school": "No. 2 Middle School"})
    assert again.status_code == 409

    last_month = (utcnow() - timedelta(days=30)).date().isoformat()
    past = {"school": "No. 2 Middle School", "planned_return_date": last_month}
    assert error_fields(await education.post(f"referrals/{rid}/return-plan", past)) == ["planned_return_date"]
    assert error_fields(await education.post(f"referrals/{rid}/return-plan", {"school": "x"})) == [
        "planned_return_date"
    ]
    planned = await education.step(
        f"referrals/{rid}/return-plan", {"school": "No. 2 Middle School", "planned_return_date": next_week}
    )
    assert planned["planned_return_date"] == next_week

    assert (await education.step(f"referrals/{rid}/aid", {"programme": "fee_waiver"}))["programmes"] == [
        "fee_waiver"
    ]
    aid = await education.step(f"referrals/{rid}/aid", {"programme": "grant"})
    assert aid["programmes"] == ["fee_waiver", "grant"]
    twice = await education.post(f"referrals/{rid}/aid", {"programme": "grant"})
    assert (twice.status_code, twice.json()["detail"]) == (409, "the child is already enrolled in grant")
    assert error_fields(await education.post(f"referrals/{rid}/aid", {"programme": "lottery"})) == [
        "programme"
    ]

    support = await education.step(f"referrals/{rid}/psychological-support")
    assert support["psychological_support_started_at"]
    assert (await education.post(f"referrals/{rid}/psychological-support")).status_code == 409

    assert await education.emitted_types() == [
        "referral.accepted.v1",
        "education.school_contacted.v1",
        "education.return_plan_made.v1",
        "education.aid_enrolled.v1",
        "education.aid_enrolled.v1",
        "education.psychological_support_started.v1",
    ]
    [contact_event] = await education.outbox("education.school_contacted.v1")
    assert stamp(contact_event, "education.follow_up")["action"] == "stop"
    [plan_event] = await education.outbox("education.return_plan_made.v1")
    assert stamp(plan_event, "education.return_plan")["action"] == "stop"
    assert plan_event["data"]["planned_return_date"] == next_week
