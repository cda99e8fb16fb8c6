"""One child, one file (一人一档): a report about a known child joins that child's file."""

from tests.integration.intake.intake_api import Intake, build_report, hours_ago, resident_id

# A different incident each time (no shared category), so each report opens its own case.
LATER = {"incident.categories": ["dropout"], "incident.occurred_at": hours_ago(1)}


async def test_a_report_with_the_same_resident_id_joins_the_file(intake: Intake) -> None:
    first = await intake.accepted(build_report())

    second = await intake.accepted(
        build_report(**LATER, **{"child.name": "张晓明", "child.birth_date": None})
    )

    assert second["child_id"] == first["child_id"]
    assert second["case_id"] != first["case_id"]
    assert await intake.scalar("SELECT count(*) FROM children") == 1


async def test_a_report_with_the_same_name_birth_date_and_district_joins_the_file(intake: Intake) -> None:
    first = await intake.accepted(build_report(**{"child.id_number": None}))

    second = await intake.accepted(build_report(**LATER))

    assert second["child_id"] == first["child_id"]
    [child] = (await intake.children()).values()
    assert child.id_number == resident_id()


async def test_a_namesake_elsewhere_or_with_another_id_gets_a_file_of_their_own(intake: Intake) -> None:
    first = await intake.accepted(build_report())

    other_district = await intake.accepted(
        build_report(**LATER, **{"child.id_number": None, "child.district": "370703"})
    )
    other_id = await intake.accepted(
        build_report(**LATER, **{"child.id_number": resident_id(sequence="133")})
    )

    assert len({first["child_id"], other_district["child_id"], other_id["child_id"]}) == 3
    assert await intake.scalar("SELECT count(*) FROM children") == 3


async def test_a_nameless_child_without_id_always_gets_a_new_file(intake: Intake) -> None:
    nameless = {
        "child.name": None,
        "child.birth_date": None,
        "child.id_number": None,
        "child.gender": "unknown",
    }

    first = await intake.accepted(build_report(**nameless))
    second = await intake.accepted(build_report(**nameless))

    assert first["child_id"] != second["child_id"]
