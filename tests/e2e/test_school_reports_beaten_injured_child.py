"""A school reports a child beaten at home and injured: P1, police emergency, hospital, temporary
guardianship.

Police dispatch, arrive and escort the child to temporary care (the open civil-affairs rescue referral
takes it: no second one); the hospital admits the child and records the injuries; civil affairs finds a
guardianship failure, decides temporary guardianship and records the placement at a welfare institution.
"""

from collections import Counter

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

ACCEPTED = "referral.accepted.v1"
EXPECTED_REFERRALS = Counter(
    {
        ("police", "emergency_response", "lead"): 1,  # judicial protection folded in (P1)
        ("health", "medical_protection", "lead"): 1,
        ("civil_affairs", "rescue_and_protection", "lead"): 1,
        ("civil_affairs", "assessment_and_assistance", "lead"): 1,
        ("civil_affairs", "medical_protection", "responsible"): 1,
        ("police", "medical_protection", "responsible"): 1,
        ("education", "rescue_and_protection", "responsible"): 1,
        ("police", "rescue_and_protection", "responsible"): 1,
        ("education", "judicial_protection", "responsible"): 1,
        ("civil_affairs", "judicial_protection", "responsible"): 1,
    }
)


def school_report() -> dict:
    born = born_years_ago(9)
    return report_body(
        source="school",
        organization="Weicheng Experimental Primary School",
        categories=["abuse"],
        injured=True,
        offender="parent",
        description="Bruises on arms and back; the boy says his father beat him at home last night.",
        child={
            "name": "测试男孩",
            "birth_date": born.isoformat(),
            "id_number": synthetic_resident_id(born, sequence=901),
            "gender": "male",
            "school": "Weicheng Experimental Primary School",
        },
    )


async def test_school_reports_beaten_injured_child(journey: Journey) -> None:
    accepted = await journey.report(school_report())
    assert accepted["new_case"] is True and accepted["corroborates_report_id"] is None
    case_id = accepted["case_id"]

    case = await journey.routed(case_id, referrals=sum(EXPECTED_REFERRALS.values()))
    assert (case["status"], case["priority"], case["priority_reasons"]) == (
        "open",
        "P1",
        ["P1-injured-abused-child"],
    )
    assert referral_keys(case) == EXPECTED_REFERRALS
    assert {(r["agency"], r["task"]) for r in case["referrals"] if r["emergency"]} == {
        ("police", "emergency_response"),
        ("health", "medical_protection"),
    }
    expected = ["report.received.v1", "case.opened.v1", *assignments(EXPECTED_REFERRALS)]
    await journey.timeline_reaches(case_id, expected)
    await journey.inboxes_hold(case)

    police = referral_of(case, "police", "emergency_response")["referral_id"]
    health = referral_of(case, "health", "medical_protection")["referral_id"]
    rescue = referral_of(case, "civil_affairs", "rescue_and_protection")["referral_id"]
    assessment = referral_of(case, "civil_affairs", "assessment_and_assistance")["referral_id"]

    # Police: dispatch at the first moment (accepts the emergency referral on the spot), arrive, resolve.
    dispatched = await journey.step("police", police, "dispatch", {"unit": "weicheng-patrol-3"})
    assert dispatched["stage"] == "dispatched"
    await journey.timeline_reaches(case_id, expected := [*expected, ACCEPTED, "police.dispatched.v1"])
    await journey.step("police", police, "arrive")
    await journey.timeline_reaches(case_id, expected := [*expected, "police.arrived.v1"])
    resolved = await journey.step(
        "police", police, "resolve", {"outcome": "escorted_to_temporary_care", "injury_found": True}
    )
    assert resolved["stage"] == "resolved"
    # Temporary care goes to civil affairs' rescue referral, which is still open: routing reuses it, and
    # the injured child already has the hospital's referral. Nothing new is made.
    case = await journey.timeline_reaches(case_id, expected := [*expected, "police.resolved.v1"])
    assert referral_keys(case) == EXPECTED_REFERRALS
    await journey.step(
        "police", police, "complete", {"outcome": "child in temporary care; father questioned"}
    )
    await journey.timeline_reaches(case_id, expected := [*expected, "referral.completed.v1"])

    # Health: admission at once (accepts the emergency referral), then the findings.
    await journey.step("health", health, "admission", {"hospital": "Weifang People's Hospital"})
    await journey.timeline_reaches(case_id, expected := [*expected, ACCEPTED, "health.admitted.v1"])
    findings = await journey.step(
        "health", health, "findings", {"injury_evidence": True, "severity": "serious"}
    )
    assert (findings["injury_evidence"], findings["severity"]) == (True, "serious")
    await journey.timeline_reaches(case_id, expected := [*expected, "health.findings_recorded.v1"])

    # Civil affairs: assessment finds a harmful guardian; temporary guardianship; placement.
    await journey.accept("civil_affairs", assessment)
    await journey.timeline_reaches(case_id, expected := [*expected, ACCEPTED])
    assessed = await journey.step(
        "civil_affairs",
        assessment,
        "assessment",
        {"safety": "at_risk", "guardianship": "harmful", "needs": ["medical_aid", "psychological_care"]},
    )
    assert assessed["guardianship_failure"] is True
    await journey.timeline_reaches(case_id, expected := [*expected, "civil_affairs.assessment_completed.v1"])
    decided = await journey.step(
        "civil_affairs", assessment, "intervention", {"decision": "temporary_guardianship"}
    )
    assert decided["intervention"] == "temporary_guardianship"
    await journey.timeline_reaches(case_id, expected := [*expected, "civil_affairs.intervention_decided.v1"])
    await journey.accept("civil_affairs", rescue)
    await journey.timeline_reaches(case_id, expected := [*expected, ACCEPTED])
    placed = await journey.step(
        "civil_affairs",
        rescue,
        "placement",
        {
            "placement": "temporary_guardianship_welfare_institution",
            "institution": "Weifang Child Welfare Institute",
        },
    )
    assert placed["placement"] == "temporary_guardianship_welfare_institution"
    case = await journey.timeline_reaches(
        case_id, expected := [*expected, "civil_affairs.placement_recorded.v1"]
    )

    # The case as agencies see it: every referral, its status, the timeline, the deadlines.
    assert (case["status"], case["priority"]) == ("open", "P1")
    assert [(h["priority"], h["cause"]) for h in case["priority_history"]] == [("P1", "triage")]
    assert [r["report_id"] for r in case["reports"]] == [accepted["report_id"]]
    assert referral_keys(case) == EXPECTED_REFERRALS
    statuses = {r["referral_id"]: r["status"] for r in case["referrals"]}
    assert {rid: statuses.pop(rid) for rid in (police, health, assessment, rescue)} == {
        police: "completed",
        health: "accepted",
        assessment: "accepted",
        rescue: "accepted",
    }
    assert set(statuses.values()) == {"pending"}  # the responsible agencies have not acted
    routed = 2 + len(assignments(EXPECTED_REFERRALS))  # report.received, case.opened, the assignments
    agency_steps = [
        (t["type"], t["referral_id"]) for t in case["timeline"] if not t["type"].startswith("sla.")
    ][routed:]
    assert agency_steps == [
        (ACCEPTED, police),
        ("police.dispatched.v1", police),
        ("police.arrived.v1", police),
        ("police.resolved.v1", police),
        ("referral.completed.v1", police),
        (ACCEPTED, health),
        ("health.admitted.v1", health),
        ("health.findings_recorded.v1", health),
        (ACCEPTED, assessment),
        ("civil_affairs.assessment_completed.v1", assessment),
        ("civil_affairs.intervention_decided.v1", assessment),
        (ACCEPTED, rescue),
        ("civil_affairs.placement_recorded.v1", rescue),
    ]

    clocks = clock_states(case)
    assert clocks[("police.first_dispatch", police)] == ["met"]
    assert clocks[("police.arrival", police)] == ["met"]
    assert clocks[("health.admission", health)] == ["met"]
    assert clocks[("civil_affairs.placement", case_id)] == ["met"]
    assert clocks[("guardianship.decision", case_id)] == ["met"]
    assert clocks[("assessment", assessment)] == ["met"]
    for referral in case["referrals"]:
        acceptance = clocks[("referral.acceptance", referral["referral_id"])]
        assert acceptance == (["running"] if referral["status"] == "pending" else ["met"]), referral
    assert clocks[("reporter.feedback", case_id)] == ["running"]
    assert len(clocks) == 6 + len(case["referrals"]) + 1
    assert not [t for t in case["timeline"] if t["type"].startswith("sla.")]  # nothing late

    # Each agency's inbox agrees with routing, and the report is at intake once.
    inboxes = await journey.inboxes_hold(case)
    assert {r["referral_id"]: r["status"] for box in inboxes.values() for r in box} == {
        r["referral_id"]: r["status"] for r in case["referrals"]
    }
    report = await journey.intake_report(accepted["report_id"])
    assert (report["case_id"], report["case_status"], report["source"]) == (case_id, "open", "school")
    file = await journey.child_file(accepted["child_id"])
    assert [c["case_id"] for c in file["cases"]["items"]] == [case_id]
    assert [r["report_id"] for r in file["reports"]["items"]] == [accepted["report_id"]]
    assert (await journey.cases())["total"] == 1
