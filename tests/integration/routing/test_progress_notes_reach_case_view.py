"""An agency's progress notes reach the case view for the lead, oldest first and once each however often
delivered; the timeline records that a note was posted, never its text."""

from datetime import timedelta

from tests.integration.routing.routing_support import NOW, Routing, new_id, noted, referral_of, report


async def test_notes_in_the_case_view(routing: Routing) -> None:
    case_id = new_id("case")
    case = await routing.opened(report(case_id, categories=["abuse"]))
    education = referral_of(case, "education", "judicial_protection", role="responsible")
    first = noted(education, "teacher spoke with the child", at=NOW)
    second = noted(education, "mother came to school", at=NOW + timedelta(hours=1))

    await routing.applied(first, publisher="education")
    await routing.applied(first, publisher="education")  # redelivered under a new envelope: one note
    case = await routing.applied(second, publisher="education")

    assert [(n["note_id"], n["agency"], n["referral_id"], n["note"]) for n in case["notes"]] == [
        (first.note_id, "education", education["referral_id"], "teacher spoke with the child"),
        (second.note_id, "education", education["referral_id"], "mother came to school"),
    ]
    posted = [t for t in case["timeline"] if t["type"] == "referral.progress_noted.v1"]
    assert len(posted) == 3
    assert all(
        t["summary"] == f"education posted a progress note on referral {education['referral_id']}"
        for t in posted
    )
