"""A closed case takes no more reports: a later report of the same incident opens a new case."""

from backbone.clock import utcnow
from contracts.events.civil_affairs import CaseClosed
from tests.integration.intake.intake_api import Intake, build_report
from tests.support.waiting import eventually


async def test_after_the_case_is_closed_a_report_opens_a_new_case(intake: Intake) -> None:
    first = await intake.accepted(build_report())
    closed = CaseClosed(
        referral_id="ref-1", case_id=first["case_id"], outcome="child safe", closed_at=utcnow()
    )

    await intake.publish(closed, publisher="civil_affairs", subject=first["case_id"])
    await eventually(
        lambda: intake.scalar("SELECT closed_at FROM intake_cases WHERE case_id = :c", c=first["case_id"]),
        what="case closed",
    )
    again = await intake.accepted(build_report(**{"source": "public"}))

    assert again["child_id"] == first["child_id"]
    assert again["case_id"] != first["case_id"]
    assert again["new_case"] is True
    shown = (await intake.client.get(f"/intake/v1/reports/{first['report_id']}")).json()
    assert shown["case_status"] == "closed"
