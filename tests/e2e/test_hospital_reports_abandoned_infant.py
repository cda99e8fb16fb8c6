"""A hospital reports an infant abandoned on its ward, name and ID unknown: P1 (abandoned infant).

Civil affairs takes the infant into temporary guardianship at a welfare institution; the police, whose
emergency referral carries the judicial protection (abandonment is an offence), open a criminal case.
"""

from collections import Counter

from tests.support.journeys import Journey, assignments, clock_states, referral_keys, referral_of, report_body

ACCEPTED, COMPLETED = "referral.accepted.v1", "referral.completed.v1"
UNNAMED = "姓名不详"
EXPECTED_REFERRALS = Counter(
    {
        ("police", "emergency_response", "lead"): 1,  # judicial protection folded in (P1)
        ("civil_affairs", "rescue_and_protection", "lead"): 1,
        ("civil_affairs", "assessment_and_assistance", "lead"): 1,
        ("education", "rescue_and_protection", "responsible"): 1,
        ("police", "rescue_and_protection", "responsible"): 1,
        ("education", "judicial_protection", "responsible"): 1,
        ("civil_affairs", "judicial_protection", "responsible"): 1,
    }
)


def hospital_report() -> dict:
    return report_body(
        source="hospital",
        organization="Weifang Maternal and Child Health Hospital",
        categories=["abandonment"],
        description="A newborn girl left on the maternity ward; the mother gave a false name and left.",
        occurred_minutes_ago=180,
        child={"name": None, "age": 0, "gender": "female"},
    )


async def test_hospital_reports_abandoned_infant(journey: Journey) -> None:
    accepted = await journey.report(hospital_report())
    assert accepted["new_case"] is True
    case_id = accepted["case_id"]

    case = await journey.routed(case_id, referrals=sum(EXPECTED_REFERRALS.values()))
    assert (case["priority"], case["priority_reasons"]) == ("P1", ["P1-abandoned-infant"])
    assert case["child"]["display_name"] == UNNAMED and case["child"]["age_years"] == 0
    assert referral_keys(case) == EXPECTED_REFERRALS
    assert [r["task"] for r in case["referrals"] if r["emergency"]] == ["emergency_response"]
    expected = ["report.received.v1", "case.opened.v1", *assignments(EXPECTED_REFERRALS)]
    await journey.timeline_reaches(case_id, expected)
    await journey.inboxes_hold(case)
    police = referral_of(case, "police", "emergency_response")["referral_id"]
    rescue = referral_of(case, "civil_affairs", "rescue_and_protection")["referral_id"]

    # Civil affairs takes the infant in: nobody cares for her, temporary guardianship at once.
    await journey.accept("civil_affairs", rescue, officer="ca-duty-02")
    await journey.timeline_reaches(case_id, expected := [*expected, ACCEPTED])
    assessed = await journey.step(
        "civil_affairs",
        rescue,
        "assessment",
        {"safety": "at_risk", "guardianship": "absent", "needs": ["medical_aid"]},
    )
    assert assessed["guardianship_failure"] is True
    await journey.timeline_reaches(case_id, expected := [*expected, "civil_affairs.assessment_completed.v1"])
    await journey.step("civil_affairs", rescue, "intervention", {"decision": "temporary_guardianship"})
    await journey.timeline_reaches(case_id, expected := [*expected, "civil_affairs.intervention_decided.v1"])
    await journey.step(
        "civil_affairs",
        rescue,
        "placement",
        {
            "placement": "temporary_guardianship_welfare_institution",
            "institution": "Weifang Child Welfare Institute",
        },
    )
    await journey.timeline_reaches(case_id, expected := [*expected, "civil_affairs.placement_recorded.v1"])

    # The police handle the abandonment: dispatch, on scene at the hospital, a criminal case opened.
    await journey.step("police", police, "dispatch", {"unit": "kuiwen-patrol-1"})
    await journey.timeline_reaches(case_id, expected := [*expected, ACCEPTED, "police.dispatched.v1"])
    await journey.step("police", police, "arrive")
    await journey.timeline_reaches(case_id, expected := [*expected, "police.arrived.v1"])
    await journey.step(
        "police",
        police,
        "resolve",
        {"outcome": "criminal_case_opened", "injury_found": False, "criminal_case_number": "WF-2026-0417"},
    )
    case = await journey.timeline_reaches(case_id, expected := [*expected, "police.resolved.v1"])
    assert referral_keys(case) == EXPECTED_REFERRALS  # a criminal case hands nothing on
    await journey.step("police", police, "complete", {"outcome": "abandonment under investigation"})
    await journey.timeline_reaches(case_id, expected := [*expected, COMPLETED])
    completed = await journey.step(
        "civil_affairs", rescue, "complete", {"outcome": "in temporary guardianship"}
    )
    assert completed["status"] == "completed"
    case = await journey.timeline_reaches(case_id, expected := [*expected, COMPLETED])

    assert (case["status"], case["priority"]) == ("open", "P1")
    statuses = {(r["agency"], r["task"], r["role"]): r["status"] for r in case["referrals"]}
    assert statuses.pop(("police", "emergency_response", "lead")) == "completed"
    assert statuses.pop(("civil_affairs", "rescue_and_protection", "lead")) == "completed"
    assert set(statuses.values()) == {"pending"}
    file = await journey.get(f"/civil_affairs/v1/referrals/{rescue}/case-file")
    assert (file["guardianship"], file["intervention"], file["placement"], file["institution"]) == (
        "absent",
        "temporary_guardianship",
        "temporary_guardianship_welfare_institution",
        "Weifang Child Welfare Institute",
    )
    response = await journey.get(f"/police/v1/referrals/{police}/response")
    assert (response["outcome"], response["criminal_case_number"]) == ("criminal_case_opened", "WF-2026-0417")

    clocks = clock_states(case)
    assert clocks[("police.first_dispatch", police)] == ["met"]
    assert clocks[("police.arrival", police)] == ["met"]
    assert clocks[("guardianship.decision", case_id)] == ["met"]
    assert ("civil_affairs.placement", case_id) not in clocks  # no police escort started that clock
    assert not [t for t in case["timeline"] if t["type"].startswith("sla.")]

    # One unnamed child, one report, one case: no identity, so nothing to match or duplicate.
    report = await journey.intake_report(accepted["report_id"])
    assert report["child"]["display_name"] == UNNAMED
    assert (report["child"]["id_number"], report["child"]["age_years"]) == (None, 0)
    file = await journey.child_file(accepted["child_id"])
    assert ([c["case_id"] for c in file["cases"]["items"]], len(file["reports"]["items"])) == ([case_id], 1)
    assert (await journey.cases())["total"] == 1
    inboxes = await journey.inboxes_hold(case)
    assert sum(len(box) for box in inboxes.values()) == len(EXPECTED_REFERRALS)
