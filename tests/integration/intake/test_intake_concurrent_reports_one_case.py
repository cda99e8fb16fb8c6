"""Reports about one child's incident arriving at once open one file and one case, not several."""

import asyncio

from tests.integration.intake.intake_api import Intake, build_report


async def test_concurrent_reports_of_one_incident_open_one_case(intake: Intake) -> None:
    # Every pair is matchable on its own (a common resident ID or a common name, birth date and district),
    # whichever arrives first.
    bodies = [
        build_report(),
        build_report(**{"source": "hospital"}),
        build_report(**{"source": "public", "reporter.name": "路人"}),
        build_report(**{"child.id_number": None}),  # matched by name, birth date and district
        build_report(**{"child.id_number": None, "source": "village_committee"}),
    ]

    answers = [r.json() for r in await asyncio.gather(*(intake.submit(b) for b in bodies))]

    assert len({a["child_id"] for a in answers}) == 1
    assert len({a["case_id"] for a in answers}) == 1
    assert sum(a["new_case"] for a in answers) == 1
    first = next(a for a in answers if a["new_case"])
    assert {a["corroborates_report_id"] for a in answers if not a["new_case"]} == {first["report_id"]}
    assert await intake.scalar("SELECT count(*) FROM children") == 1
    assert await intake.scalar("SELECT count(*) FROM intake_cases") == 1
