"""The civil-affairs journey: assessment with a guardianship failure -> intervention -> placement ->
monitoring -> a child director's visit -> the reporter told -> the case closed."""

from tests.integration.agencies.agency_support import RunningAgency, referral_created, stamp, stamps


async def test_guardianship_failure_journey_to_a_closed_case(civil_affairs: RunningAgency) -> None:
    referral = referral_created("civil_affairs", task="assessment_and_assistance", priority="P2")
    await civil_affairs.accepted(referral)
    rid, case_id = referral.referral_id, referral.case_id
    [accepted] = await civil_affairs.outbox("referral.accepted.v1")
    assert stamp(accepted, "assessment")["action"] == "start"

    assessed = await civil_affairs.step(
        f"referrals/{rid}/assessment",
        {"safety": "at_risk", "guardianship": "harmful", "needs": ["psychological_care", "schooling_aid"]},
    )
    assert (assessed["guardianship_failure"], assessed["needs"]) == (
        True,
        ["psychological_care", "schooling_aid"],
    )
    planned = await civil_affairs.step(f"referrals/{rid}/assistance-plan", {"measures": ["living_allowance"]})
    assert planned["measures"] == ["living_allowance"]
    decided = await civil_affairs.step(
        f"referrals/{rid}/intervention", {"decision": "temporary_guardianship"}
    )
    assert decided["intervention"] == "temporary_guardianship"
    placed = await civil_affairs.step(
        f"referrals/{rid}/placement",
        {
            "placement": "temporary_guardianship_welfare_institution",
            "institution": "Weifang Child Welfare Home",
        },
    )
    assert placed["institution"] == "Weifang Child Welfare Home"
    await civil_affairs.step(f"referrals/{rid}/monitoring")
    visit = await civil_affairs.step(
        f"referrals/{rid}/visits", {"child_safe": True, "child_director": "cd-0451"}
    )
    assert (visit["child_safe"], visit["child_director"]) == (True, "cd-0451")
    await civil_affairs.step(
        f"referrals/{rid}/inform-reporter", {"message": "The child is safe and in temporary guardianship."}
    )
    closed = await civil_affairs.step(
        f"referrals/{rid}/close-case", {"outcome": "guardian replaced by the court"}
    )
    assert closed["close_outcome"] == "guardian replaced by the court" and closed["closed_at"]

    shown = await civil_affairs.referral(rid)
    assert (shown["status"], shown["outcome"]) == ("completed", "guardian replaced by the court")
    file = (await civil_affairs.client.get(f"/civil_affairs/v1/referrals/{rid}/case-file")).json()
    assert file["last_visit_at"] == visit["visited_at"] and file["reporter_informed_at"]

    assert await civil_affairs.emitted_types() == [
        "referral.accepted.v1",
        "civil_affairs.assessment_completed.v1",
        "civil_affairs.assistance_planned.v1",
        "civil_affairs.intervention_decided.v1",
        "civil_affairs.placement_recorded.v1",
        "civil_affairs.monitoring_started.v1",
        "civil_affairs.visit_logged.v1",
        "civil_affairs.reporter_informed.v1",
        "civil_affairs.case_closed.v1",
        "referral.completed.v1",
    ]
    assert {e["subject"] for e in await civil_affairs.outbox()} == {case_id}
    [assessment] = await civil_affairs.outbox("civil_affairs.assessment_completed.v1")
    assert assessment["data"]["guardianship_failure"] is True
    assert stamp(assessment, "assessment")["action"] == "stop"
    decision_clock = stamp(assessment, "guardianship.decision")
    assert (decision_clock["action"], decision_clock["subject_id"]) == ("start", case_id)
    [intervention] = await civil_affairs.outbox("civil_affairs.intervention_decided.v1")
    assert stamp(intervention, "guardianship.decision")["action"] == "stop"
    [placement] = await civil_affairs.outbox("civil_affairs.placement_recorded.v1")
    assert stamp(placement, "civil_affairs.placement")["action"] == "stop"
    [monitoring] = await civil_affairs.outbox("civil_affairs.monitoring_started.v1")
    assert stamp(monitoring, "child_director.visit")["action"] == "start"
    [visited] = await civil_affairs.outbox("civil_affairs.visit_logged.v1")
    assert [s["action"] for s in stamps(visited, "child_director.visit")] == ["stop", "start"]
    [informed] = await civil_affairs.outbox("civil_affairs.reporter_informed.v1")
    assert stamp(informed, "reporter.feedback")["action"] == "stop"

    # The case is closed and its referral completed: nothing more is recorded on it.
    late = await civil_affairs.post(f"referrals/{rid}/visits", {"child_safe": True})
    assert late.status_code == 409 and "completed" in late.json()["detail"]
