"""Intake's report view and child file show a case's status as routing does: under monitoring once civil
affairs starts monitoring it, closed once it is closed."""

from backbone.clock import utcnow
from contracts.events.civil_affairs import CaseClosed, MonitoringStarted
from tests.integration.intake.intake_api import Intake, build_report
from tests.support.waiting import eventually


async def test_report_view_shows_monitoring_then_closing(intake: Intake) -> None:
    report = await intake.accepted(build_report())
    case_id = report["case_id"]

    async def shown() -> tuple[str, list[str]]:
        view = (await intake.client.get(f"/intake/v1/reports/{report['report_id']}")).json()
        child = (await intake.client.get(f"/intake/v1/children/{report['child_id']}")).json()
        return view["case_status"], [c["status"] for c in child["cases"]["items"]]

    assert await shown() == ("open", ["open"])
    started = MonitoringStarted(referral_id="ref-1", case_id=case_id, started_at=utcnow())
    await intake.publish(started, publisher="civil_affairs", subject=case_id)
    monitored = ("under_monitoring", ["under_monitoring"])
    await eventually(shown, until=lambda s: s == monitored, what="monitoring")

    closed = CaseClosed(referral_id="ref-1", case_id=case_id, outcome="child safe", closed_at=utcnow())
    await intake.publish(closed, publisher="civil_affairs", subject=case_id)
    await eventually(shown, until=lambda s: s == ("closed", ["closed"]), what="closed")
