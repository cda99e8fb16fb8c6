"""Civil affairs' word to the reporter is recorded against every report of the case, and announced."""

from datetime import timedelta

from backbone.clock import utcnow
from contracts.events.civil_affairs import ReporterInformed
from tests.integration.intake.intake_api import Intake, build_report
from tests.support.waiting import eventually

MESSAGE = "孩子已得到妥善安置，感谢您的报告。"


async def _feedback(intake: Intake) -> list:
    return await intake.rows("SELECT report_id, message, delivery FROM reporter_feedback ORDER BY report_id")


async def test_reporter_informed_is_recorded_per_report_and_announced(intake: Intake) -> None:
    first = await intake.accepted(build_report())
    second = await intake.accepted(build_report(**{"source": "public", "reporter.wants_feedback": False}))
    informed = ReporterInformed(
        referral_id="ref-1",
        case_id=first["case_id"],
        message=MESSAGE,
        informed_at=utcnow() - timedelta(minutes=1),
    )

    await intake.publish(informed, publisher="civil_affairs", subject=first["case_id"])

    rows = await eventually(lambda: _feedback(intake), until=lambda r: len(r) == 2, what="feedback recorded")
    assert sorted((r.report_id, r.message, r.delivery) for r in rows) == sorted(
        [(first["report_id"], MESSAGE, "pending"), (second["report_id"], MESSAGE, "not_requested")]
    )
    recorded = await intake.rows(
        "SELECT payload FROM outbox WHERE event_type = 'intake.reporter_feedback_recorded.v1'"
    )
    assert len(recorded) == 1
    assert recorded[0].payload["subject"] == first["case_id"]
    assert recorded[0].payload["data"]["report_ids"] == [first["report_id"], second["report_id"]]
    shown = (await intake.client.get(f"/intake/v1/reports/{first['report_id']}")).json()
    assert [f["message"] for f in shown["feedback"]] == [MESSAGE]
