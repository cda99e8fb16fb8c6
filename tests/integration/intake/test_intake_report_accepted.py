"""A valid report is accepted with 202 and the ids of the report, its case and the child's file."""

from tests.integration.intake.intake_api import CHILD_NAME, Intake, build_report


async def test_a_valid_report_is_accepted_with_its_ids(intake: Intake) -> None:
    response = await intake.submit(build_report())

    assert response.status_code == 202, response.text
    answer = response.json()
    assert set(answer) == {"report_id", "case_id", "child_id", "corroborates_report_id", "new_case"}
    assert answer["corroborates_report_id"] is None
    assert answer["new_case"] is True
    stored = await intake.rows(
        "SELECT r.case_id, r.child_id FROM reports r WHERE r.report_id = :r", r=answer["report_id"]
    )
    assert stored == [(answer["case_id"], answer["child_id"])]
    assert (await intake.children())[answer["child_id"]].name == CHILD_NAME
    assert await intake.scalar("SELECT count(*) FROM reporter_contacts") == 1
