"""A second report of the same incident joins the open case; another incident opens a new case."""

from tests.integration.intake.intake_api import Intake, build_report, hours_ago


async def test_a_report_of_the_same_incident_within_24_hours_joins_the_case(intake: Intake) -> None:
    first = await intake.accepted(build_report(**{"incident.occurred_at": hours_ago(30)}))

    second = await intake.accepted(
        build_report(
            **{
                "source": "hospital",
                "incident.categories": ["injury", "abuse"],
                "incident.occurred_at": hours_ago(8),
                "reporter.name": "李医生",
            }
        )
    )

    assert second["case_id"] == first["case_id"]
    assert second["child_id"] == first["child_id"]
    assert second["corroborates_report_id"] == first["report_id"]
    assert second["new_case"] is False
    assert await intake.scalar("SELECT count(*) FROM intake_cases") == 1
    assert await intake.scalar("SELECT categories FROM intake_cases") == ["abuse", "injury"]


async def test_a_report_more_than_24_hours_from_the_incident_opens_a_new_case(intake: Intake) -> None:
    first = await intake.accepted(build_report(**{"incident.occurred_at": hours_ago(30)}))

    second = await intake.accepted(build_report(**{"incident.occurred_at": hours_ago(5)}))

    assert second["case_id"] != first["case_id"]
    assert second["child_id"] == first["child_id"]
    assert second["corroborates_report_id"] is None
    assert second["new_case"] is True


async def test_a_report_with_no_category_in_common_opens_a_new_case(intake: Intake) -> None:
    first = await intake.accepted(build_report())

    second = await intake.accepted(build_report(**{"incident.categories": ["dropout", "poverty"]}))

    assert second["case_id"] != first["case_id"]
    assert second["corroborates_report_id"] is None


async def test_a_report_about_another_child_never_joins_the_case(intake: Intake) -> None:
    first = await intake.accepted(build_report())

    sibling = await intake.accepted(
        build_report(**{"child.name": "张小红", "child.gender": "female", "child.id_number": None})
    )

    assert sibling["case_id"] != first["case_id"]
    assert sibling["child_id"] != first["child_id"]
