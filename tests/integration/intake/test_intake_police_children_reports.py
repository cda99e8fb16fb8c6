"""The older police.children_without_care_found.v1 is still accepted: one police report per child."""

from dataclasses import dataclass
from datetime import date, timedelta

from backbone.clock import utcnow
from contracts.events.police import ChildrenWithoutCareFound, ChildWithoutCare
from tests.integration.intake.intake_api import Intake, build_report, resident_id
from tests.support.waiting import eventually


def _found(*children: ChildWithoutCare) -> ChildrenWithoutCareFound:
    return ChildrenWithoutCareFound(
        detention_id="det-2026-0042",
        children=list(children),
        district="370702",
        area="suburban",
        found_at=utcnow() - timedelta(minutes=20),
    )


TODDLER = ChildWithoutCare(name="刘小雨", gender="female", age=3, district="370702")
TEENAGER = ChildWithoutCare(
    name="刘大海",
    gender="male",
    birth_date=date(2010, 3, 4),
    id_number=resident_id("20100304"),
    district="370702",
)


@dataclass(frozen=True)
class PoliceReport:
    source: str
    categories: list[str]
    immediate_danger: bool
    child_age_years: int | None
    name: str | None
    id_number: str | None
    case_id: str


async def _police_reports(intake: Intake) -> list[PoliceReport]:
    rows = await intake.rows(
        "SELECT source, categories, immediate_danger, child_age_years, child_id, case_id "
        "FROM reports WHERE source = 'police'"
    )
    children = await intake.children()
    return sorted(
        (
            PoliceReport(
                r.source,
                r.categories,
                r.immediate_danger,
                r.child_age_years,
                children[r.child_id].name,
                children[r.child_id].id_number,
                r.case_id,
            )
            for r in rows
        ),
        key=lambda r: r.name or "",
    )


async def test_each_child_without_care_becomes_a_police_report(intake: Intake) -> None:
    event = _found(TODDLER, TEENAGER)

    await intake.publish(event, publisher="police", subject="det-2026-0042")

    reports = await eventually(
        lambda: _police_reports(intake), until=lambda r: len(r) == 2, what="two reports"
    )
    by_name = {r.name: r for r in reports}
    assert by_name["刘小雨"].categories == ["de_facto_unattended", "guardianship_failure"]
    assert by_name["刘小雨"].immediate_danger is True  # three years old and alone
    assert by_name["刘大海"].immediate_danger is False
    assert by_name["刘大海"].child_age_years >= 15
    assert by_name["刘小雨"].case_id != by_name["刘大海"].case_id
    assert await intake.scalar("SELECT count(*) FROM reporter_contacts") == 0
    announced = await intake.rows(
        "SELECT payload->'data'->>'source', payload->>'subject' FROM outbox "
        "WHERE event_type = 'report.received.v1'"
    )
    assert sorted(announced) == sorted(("police", r.case_id) for r in reports)


async def test_a_redelivered_police_event_creates_no_second_reports(intake: Intake) -> None:
    event = _found(TODDLER)
    envelope = await intake.publish(event, publisher="police", subject="det-2026-0042")
    await eventually(lambda: _police_reports(intake), until=lambda r: len(r) == 1, what="one report")

    await intake.publish_envelope(envelope, publisher="police")
    marker = ChildWithoutCare(name="刘小风", gender="male", age=9, district="370702")
    await intake.publish(_found(marker), publisher="police", subject="det-2026-0042")

    reports = await eventually(lambda: _police_reports(intake), until=lambda r: len(r) == 2, what="marker")
    assert {r.name for r in reports} == {"刘小风", "刘小雨"}


async def test_a_child_the_police_find_joins_the_file_a_school_opened(intake: Intake) -> None:
    school = await intake.accepted(
        build_report(
            **{
                "child.name": "刘大海",
                "child.birth_date": "2010-03-04",
                "child.id_number": resident_id("20100304"),
                "incident.categories": ["dropout"],
            }
        )
    )

    await intake.publish(_found(TEENAGER), publisher="police", subject="det-2026-0042")

    reports = await eventually(
        lambda: _police_reports(intake), until=lambda r: len(r) == 1, what="police report"
    )
    assert await intake.scalar("SELECT count(*) FROM children") == 1
    assert reports[0].case_id != school["case_id"]


async def test_a_bad_resident_id_from_the_police_does_not_lose_the_child(intake: Intake) -> None:
    forged = resident_id("20190101")[:17] + ("1" if resident_id("20190101")[17] != "1" else "2")
    child = ChildWithoutCare(name="刘小雪", gender="female", id_number=forged, district="370702")

    await intake.publish(_found(child), publisher="police", subject="det-2026-0042")

    reports = await eventually(
        lambda: _police_reports(intake), until=lambda r: len(r) == 1, what="police report"
    )
    assert reports[0].immediate_danger is True  # age unknown once the ID is set aside
    assert reports[0].id_number is None
