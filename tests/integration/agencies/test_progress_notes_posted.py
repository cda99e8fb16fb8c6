"""An agency posts interim progress notes on a referral under way: kept in order, sent to routing
(referral.progress_noted) for the case's lead; refused on a referral not yet accepted."""

from tests.integration.agencies.agency_support import RunningAgency, error_fields, referral_created
from tests.support.paging import items


async def test_notes_on_a_referral_under_way(health: RunningAgency) -> None:
    referral = referral_created("health", task="medical_protection")
    await health.receive(referral)
    rid = referral.referral_id

    early = await health.post(f"referrals/{rid}/notes", {"note": "not yet"})
    assert early.status_code == 409 and "accept the referral first" in early.json()["detail"]

    await health.step(f"referrals/{rid}/accept")
    first = await health.step(f"referrals/{rid}/notes", {"note": "X-ray done; waiting on results"})
    second = await health.step(f"referrals/{rid}/notes", {"note": "results clear", "author": "王医生"})
    assert (first["referral_id"], first["case_id"], first["author"]) == (rid, referral.case_id, None)
    assert second["author"] == "王医生"

    listed = items(await health.client.get(f"/health/v1/referrals/{rid}/notes"))
    assert [n["note"] for n in listed] == ["X-ray done; waiting on results", "results clear"]
    assert error_fields(await health.post(f"referrals/{rid}/notes", {"note": "  "})) == ["note"]
    assert error_fields(await health.post(f"referrals/{rid}/notes", {"note": "x" * 2001})) == ["note"]
    assert (await health.client.get("/health/v1/referrals/nope/notes")).status_code == 404

    events = await health.outbox("referral.progress_noted.v1")
    assert [(e["data"]["note_id"], e["data"]["note"]) for e in events] == [
        (first["note_id"], "X-ray done; waiting on results"),
        (second["note_id"], "results clear"),
    ]
    assert {e["subject"] for e in events} == {referral.case_id}
