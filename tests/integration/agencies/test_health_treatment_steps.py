"""Health receives the child, records findings and a mental-health assessment, then discharges."""

from datetime import datetime, timedelta

from backbone.clock import utcnow
from tests.integration.agencies.agency_support import RunningAgency, error_fields, referral_created, stamp


async def test_admission_findings_assessment_discharge(health: RunningAgency) -> None:
    referral = referral_created(
        "health", task="medical_protection", priority="P2", created_at=utcnow() - timedelta(hours=1)
    )
    await health.accepted(referral)
    rid = referral.referral_id

    findings = {"injury_evidence": True, "severity": "serious"}
    early = await health.post(f"referrals/{rid}/findings", findings)
    assert (early.status_code, early.json()["detail"]) == (409, "record the child's admission first")
    early = await health.post(f"referrals/{rid}/discharge", {"discharged_to": "guardian"})
    assert early.status_code == 409

    admitted_at = utcnow() - timedelta(minutes=30)
    admission = {"hospital": "Weifang People's Hospital", "admitted_at": admitted_at.isoformat()}
    treatment = await health.step(f"referrals/{rid}/admission", admission)
    assert datetime.fromisoformat(treatment["admitted_at"]) == admitted_at
    twice = await health.post(f"referrals/{rid}/admission", admission)
    assert (twice.status_code, twice.json()["detail"]) == (409, "the child's admission is already recorded")

    assert error_fields(
        await health.post(f"referrals/{rid}/findings", {"severity": "fatal", "injury_evidence": True})
    ) == ["severity"]
    treatment = await health.step(f"referrals/{rid}/findings", findings)
    assert (treatment["injury_evidence"], treatment["severity"]) == (True, "serious")
    assessment = await health.step(
        f"referrals/{rid}/mental-health-assessment", {"risk": "high", "follow_up_needed": True}
    )
    assert (assessment["risk"], assessment["follow_up_needed"]) == ("high", True)

    before_admission = (admitted_at - timedelta(minutes=1)).isoformat()
    too_early = {"discharged_to": "relatives", "discharged_at": before_admission}
    assert error_fields(await health.post(f"referrals/{rid}/discharge", too_early)) == ["discharged_at"]
    treatment = await health.step(f"referrals/{rid}/discharge", {"discharged_to": "relatives"})
    assert treatment["discharged_to"] == "relatives"
    again = await health.post(f"referrals/{rid}/discharge", {"discharged_to": "guardian"})
    assert (again.status_code, again.json()["detail"]) == (409, "the child's discharge is already recorded")

    assert await health.emitted_types() == [
        "referral.accepted.v1",
        "health.admitted.v1",
        "health.findings_recorded.v1",
        "health.mental_health_assessed.v1",
        "health.discharged.v1",
    ]
    [admitted] = await health.outbox("health.admitted.v1")
    admission_clock = stamp(admitted, "health.admission")
    assert (admission_clock["action"], admission_clock["subject_id"]) == ("stop", rid)
    assert datetime.fromisoformat(admission_clock["stopped_at"]) == admitted_at
    [recorded] = await health.outbox("health.findings_recorded.v1")
    assert recorded["data"] | {"recorded_at": None} == {
        "referral_id": rid,
        "case_id": referral.case_id,
        "injury_evidence": True,
        "severity": "serious",
        "recorded_at": None,
    }
