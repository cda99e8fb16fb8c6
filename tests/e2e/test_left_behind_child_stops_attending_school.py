"""A village committee reports a left-behind child who stopped going to school: P3, education and
civil affairs.

Education accepts, the school contacts the family and makes a return-to-school plan; civil affairs
assesses (grandparents care adequately: no guardianship failure), plans assistance, puts the case under
monitoring and logs the child director's first home visit. The case ends under monitoring.
"""

from collections import Counter
from datetime import timedelta

from tests.support.journeys import (
    Journey,
    assignments,
    born_years_ago,
    clock_states,
    referral_keys,
    referral_of,
    report_body,
    synthetic_resident_id,
    today_in_china,
)
from tests.support.waiting import eventually

ACCEPTED = "referral.accepted.v1"
EXPECTED_REFERRALS = Counter(
    {
        ("civil_affairs", "rescue_and_protection", "lead"): 1,
        ("education", "education_support", "lead"): 1,
        ("civil_affairs", "assessment_and_assistance", "lead"): 1,
        ("education", "rescue_and_protection", "responsible"): 1,
        ("police", "rescue_and_protection", "responsible"): 1,
        ("civil_affairs", "education_support", "responsible"): 1,
    }
)


def village_report() -> dict:
    born = born_years_ago(13)
    return report_body(
        source="village_committee",
        organization="Xiaoliu Village Committee",
        categories=["left_behind", "dropout"],
        area="rural",
        occurred_minutes_ago=60 * 24 * 3,
        description="Both parents work in another province; the girl lives with her grandmother and has "
        "not been to school for three weeks.",
        child={
            "name": "测试女孩",
            "id_number": synthetic_resident_id(born, sequence=902),
            "gender": "female",
            "school": "Xiaoliu Village Junior Middle School",
        },
    )


async def test_left_behind_child_stops_attending_school(journey: Journey) -> None:
    accepted = await journey.report(village_report())
    case_id = accepted["case_id"]

    case = await journey.routed(case_id, referrals=sum(EXPECTED_REFERRALS.values()))
    assert (case["priority"], case["priority_reasons"]) == ("P3", ["P3-left-behind", "P3-dropout"])
    assert referral_keys(case) == EXPECTED_REFERRALS
    assert not [r for r in case["referrals"] if r["emergency"]]
    expected = ["report.received.v1", "case.opened.v1", *assignments(EXPECTED_REFERRALS)]
    await journey.timeline_reaches(case_id, expected)
    await journey.inboxes_hold(case)
    education = referral_of(case, "education", "education_support")["referral_id"]
    assessment = referral_of(case, "civil_affairs", "assessment_and_assistance")["referral_id"]

    # Education: accept, the school contacts the family, a plan to return after the holiday week.
    await journey.accept("education", education, officer="edu-weicheng-07")
    await journey.timeline_reaches(case_id, expected := [*expected, ACCEPTED])
    school = "Xiaoliu Village Junior Middle School"
    await journey.step("education", education, "school-contact", {"school": school})
    await journey.timeline_reaches(case_id, expected := [*expected, "education.school_contacted.v1"])
    return_date = today_in_china() + timedelta(days=7)
    plan = await journey.step(
        "education",
        education,
        "return-plan",
        {"school": school, "planned_return_date": return_date.isoformat()},
    )
    assert plan["planned_return_date"] == return_date.isoformat()
    await journey.timeline_reaches(case_id, expected := [*expected, "education.return_plan_made.v1"])

    # Civil affairs: the grandmother cares adequately; assistance, then monitoring and a visit.
    await journey.accept("civil_affairs", assessment, officer="ca-xiaoliu-01")
    await journey.timeline_reaches(case_id, expected := [*expected, ACCEPTED])
    assessed = await journey.step(
        "civil_affairs",
        assessment,
        "assessment",
        {"safety": "safe", "guardianship": "adequate", "needs": ["schooling_aid", "living_allowance"]},
    )
    assert assessed["guardianship_failure"] is False
    await journey.timeline_reaches(case_id, expected := [*expected, "civil_affairs.assessment_completed.v1"])
    await journey.step(
        "civil_affairs", assessment, "assistance-plan", {"measures": ["schooling_aid", "living_allowance"]}
    )
    await journey.timeline_reaches(case_id, expected := [*expected, "civil_affairs.assistance_planned.v1"])
    await journey.step("civil_affairs", assessment, "monitoring")
    case = await journey.timeline_reaches(
        case_id, expected := [*expected, "civil_affairs.monitoring_started.v1"]
    )
    assert case["status"] == "under_monitoring"
    visit = await journey.step(
        "civil_affairs",
        assessment,
        "visits",
        {"child_safe": True, "child_director": "cd-xiaoliu"},
        expect=201,
    )
    assert visit["child_safe"] is True
    case = await journey.timeline_reaches(case_id, expected := [*expected, "civil_affairs.visit_logged.v1"])

    assert (case["status"], case["priority"]) == ("under_monitoring", "P3")
    assert [(h["priority"], h["cause"]) for h in case["priority_history"]] == [("P3", "triage")]
    assert referral_keys(case) == EXPECTED_REFERRALS
    statuses = {r["referral_id"]: r["status"] for r in case["referrals"]}
    assert (statuses.pop(education), statuses.pop(assessment)) == ("accepted", "accepted")
    assert set(statuses.values()) == {"pending"}
    summary = (await journey.cases(status="under_monitoring"))["items"]
    assert [(c["case_id"], c["priority"], c["open_referrals"]) for c in summary] == [(case_id, "P3", 6)]
    assert (await journey.cases())["total"] == 1

    clocks = clock_states(case)
    assert clocks[("education.follow_up", education)] == ["met"]
    assert clocks[("education.return_plan", education)] == ["met"]
    assert clocks[("assessment", assessment)] == ["met"]
    assert ("guardianship.decision", case_id) not in clocks  # no guardianship failure
    # The first month's visit is done; next month's clock runs.
    assert clocks[("child_director.visit", case_id)] == ["met", "running"]
    assert not [t for t in case["timeline"] if t["type"].startswith("sla.")]

    file = await journey.get(f"/civil_affairs/v1/referrals/{assessment}/case-file")
    assert file["monitoring_started_at"] and file["last_visit_at"] == visit["visited_at"]
    assert (file["guardianship_failure"], file["measures"]) == (False, ["schooling_aid", "living_allowance"])
    # Intake shows the case's status as routing does (it learns of the monitoring from civil affairs).
    report = await eventually(
        lambda: journey.intake_report(accepted["report_id"]),
        until=lambda r: r["case_status"] == "under_monitoring",
        what="intake shows the case under monitoring",
    )
    assert report["incident"]["categories"] == ["left_behind", "dropout"]
    await journey.inboxes_hold(case)
