"""The 12355 hotline reports a missing boy; a second caller reports the same boy an hour later.

The second report corroborates the first (same resident ID, a category in common, within 24 hours):
one case, one police emergency referral. The police find the boy safe; civil affairs assesses, tells
the reporters the outcome (intake records it against both reports) and closes the case.
"""

from collections import Counter
from dataclasses import dataclass

from tests.support.journeys import (
    Journey,
    assignments,
    born_years_ago,
    clock_states,
    referral_keys,
    referral_of,
    report_body,
    synthetic_resident_id,
)
from tests.support.waiting import eventually

ACCEPTED, COMPLETED = "referral.accepted.v1", "referral.completed.v1"
EXPECTED_REFERRALS = Counter(
    {
        ("police", "emergency_response", "lead"): 1,  # the missing-child search folded in (P1)
        ("civil_affairs", "assessment_and_assistance", "lead"): 1,
        ("civil_affairs", "missing_child", "responsible"): 1,
    }
)
FEEDBACK = "The boy was found safe at his aunt's home and is back with his family."


def missing_report(
    id_number: str, *, minutes_ago: int, caller: str, phone: str, wants_feedback: bool
) -> dict:
    return report_body(
        source="hotline_12355",
        organization="12355 Weifang minor-protection hotline",
        categories=["missing"],
        occurred_minutes_ago=minutes_ago,
        reporter_name=caller,
        reporter_phone=phone,
        wants_feedback=wants_feedback,
        description="The boy did not come home from school and cannot be reached.",
        child={"name": "测试失踪男孩", "id_number": id_number, "gender": "male"},
    )


@dataclass(frozen=True)
class Closed:
    first: dict  # the 202 answers to the two reports
    second: dict
    case: dict  # routing's view of the closed case
    police: str  # referral ids
    assessment: str


async def reported_twice_found_and_closed(journey: Journey) -> Closed:
    """Both calls, the police search, civil affairs' assessment, feedback and closing, step by step."""
    id_number = synthetic_resident_id(born_years_ago(11), sequence=903)
    first = await journey.report(
        missing_report(
            id_number, minutes_ago=120, caller="测试母亲", phone="13800000001", wants_feedback=True
        )
    )
    assert first["new_case"] is True
    case_id = first["case_id"]
    case = await journey.routed(case_id, referrals=sum(EXPECTED_REFERRALS.values()))
    assert (case["priority"], case["priority_reasons"]) == ("P1", ["P1-missing-child"])
    expected = ["report.received.v1", "case.opened.v1", *assignments(EXPECTED_REFERRALS)]
    await journey.timeline_reaches(case_id, expected)

    # A second caller, the same child by resident ID, the same incident: it joins the case.
    second = await journey.report(
        missing_report(
            id_number, minutes_ago=60, caller="测试邻居", phone="13800000002", wants_feedback=False
        )
    )
    assert (second["case_id"], second["child_id"]) == (case_id, first["child_id"])
    assert (second["new_case"], second["corroborates_report_id"]) == (False, first["report_id"])
    case = await journey.timeline_reaches(case_id, expected := [*expected, "report.received.v1"])
    assert [(r["report_id"], r["new_case"], r["corroborates_report_id"]) for r in case["reports"]] == [
        (first["report_id"], True, None),
        (second["report_id"], False, first["report_id"]),
    ]
    assert referral_keys(case) == EXPECTED_REFERRALS  # nothing referred twice
    assert [(h["priority"], h["cause"]) for h in case["priority_history"]] == [("P1", "triage")]
    await journey.inboxes_hold(case)
    police = referral_of(case, "police", "emergency_response")["referral_id"]
    assessment = referral_of(case, "civil_affairs", "assessment_and_assistance")["referral_id"]

    # The police search and find the boy safe.
    await journey.step("police", police, "dispatch", {"unit": "fangzi-patrol-5"})
    await journey.timeline_reaches(case_id, expected := [*expected, ACCEPTED, "police.dispatched.v1"])
    await journey.step("police", police, "arrive")
    await journey.timeline_reaches(case_id, expected := [*expected, "police.arrived.v1"])
    await journey.step(
        "police", police, "resolve", {"outcome": "child_safe_where_found", "injury_found": False}
    )
    case = await journey.timeline_reaches(case_id, expected := [*expected, "police.resolved.v1"])
    assert referral_keys(case) == EXPECTED_REFERRALS  # a child safe where found is handed on to no one
    await journey.step("police", police, "complete", {"outcome": "found safe at a relative's home"})
    await journey.timeline_reaches(case_id, expected := [*expected, COMPLETED])

    # Civil affairs: a short assessment, the reporters told the outcome, the case closed.
    await journey.accept("civil_affairs", assessment)
    await journey.timeline_reaches(case_id, expected := [*expected, ACCEPTED])
    await journey.step(
        "civil_affairs", assessment, "assessment", {"safety": "safe", "guardianship": "adequate", "needs": []}
    )
    await journey.timeline_reaches(case_id, expected := [*expected, "civil_affairs.assessment_completed.v1"])
    await journey.step("civil_affairs", assessment, "inform-reporter", {"message": FEEDBACK})
    expected = [*expected, "civil_affairs.reporter_informed.v1", "intake.reporter_feedback_recorded.v1"]
    await journey.timeline_reaches(case_id, expected)
    closed = await journey.step("civil_affairs", assessment, "close-case", {"outcome": "child found safe"})
    assert closed["closed_at"] and closed["reporter_informed_at"]
    case = await journey.timeline_reaches(case_id, [*expected, "civil_affairs.case_closed.v1", COMPLETED])
    return Closed(first, second, case, police, assessment)


async def test_missing_child_reported_twice(journey: Journey) -> None:
    closed = await reported_twice_found_and_closed(journey)
    first, second, case = closed.first, closed.second, closed.case
    case_id, police, assessment = case["case_id"], closed.police, closed.assessment

    assert (case["status"], case["priority"]) == ("closed", "P1")
    assert referral_keys(case) == EXPECTED_REFERRALS
    statuses = {(r["agency"], r["task"], r["role"]): r["status"] for r in case["referrals"]}
    assert statuses == {
        ("police", "emergency_response", "lead"): "completed",
        ("civil_affairs", "assessment_and_assistance", "lead"): "completed",
        ("civil_affairs", "missing_child", "responsible"): "pending",
    }
    clocks = clock_states(case)
    assert clocks[("police.first_dispatch", police)] == ["met"]
    assert clocks[("reporter.feedback", case_id)] == ["met"]  # one clock for the case, not one per report
    assert clocks[("assessment", assessment)] == ["met"]
    assert (await journey.cases())["total"] == 1
    assert [c["case_id"] for c in (await journey.cases(status="closed"))["items"]] == [case_id]

    # Intake: both reports in the one closed case, each with the outcome recorded for its reporter.
    async def closed_at_intake() -> list[dict]:
        return [await journey.intake_report(a["report_id"]) for a in (first, second)]

    reports = await eventually(
        closed_at_intake,
        until=lambda rs: all(r["case_status"] == "closed" for r in rs),
        what="case closed at intake",
    )
    assert [[(f["message"], f["delivery"]) for f in r["feedback"]] for r in reports] == [
        [(FEEDBACK, "pending")],  # the mother asked to be told
        [(FEEDBACK, "not_requested")],  # the neighbour did not
    ]
    file = await journey.child_file(first["child_id"])
    assert [(c["case_id"], c["status"], c["report_ids"]) for c in file["cases"]["items"]] == [
        (case_id, "closed", [first["report_id"], second["report_id"]])
    ]


async def test_closed_case_leaves_no_deadline_running(journey: Journey) -> None:
    """Closing the case cancels the clocks of obligations still open (a pending referral's acceptance)."""
    closed = await reported_twice_found_and_closed(journey)
    running = await journey.clocks(case_id=closed.case["case_id"], state="running")
    assert [(c["clock"], c["agency"]) for c in running] == []
