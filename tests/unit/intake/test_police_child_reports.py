"""Reports made from the police's children without care: categories, source and immediate danger."""

from datetime import UTC, date, datetime, timedelta

import pytest

from contracts.events.police import ChildrenWithoutCareFound, ChildWithoutCare
from services.intake.reports.police import in_immediate_danger, police_reports
from services.intake.reports.resident_id import check_digit
from services.intake.reports.schemas import ChildCategory, ReportSource

NOW = datetime(2025, 6, 1, 10, 0, tzinfo=UTC)


def make_id(born: str) -> str:
    first17 = "370702" + born + "124"
    return first17 + check_digit(first17)


def found(
    *children: ChildWithoutCare, found_at: datetime = NOW - timedelta(minutes=30)
) -> ChildrenWithoutCareFound:
    return ChildrenWithoutCareFound(
        detention_id="det-1", children=list(children), district="370702", area="rural", found_at=found_at
    )


def child(**fields) -> ChildWithoutCare:
    return ChildWithoutCare(**{"name": "刘小雨", "gender": "female", "district": "370702", **fields})


@pytest.mark.parametrize(("age", "danger"), [(0, True), (7, True), (8, False), (17, False), (None, True)])
def test_children_under_eight_or_of_unknown_age_are_in_immediate_danger(
    age: int | None, danger: bool
) -> None:
    assert in_immediate_danger(age) is danger


def test_one_police_report_per_child_with_the_unattended_categories() -> None:
    reports = police_reports(
        found(child(age=3), child(name="刘大海", gender="male", age=12)), event_id="e1", now=NOW
    )

    assert [r.child.name for r in reports] == ["刘小雨", "刘大海"]
    for report in reports:
        assert report.source is ReportSource.POLICE
        assert report.reporter is None
        assert report.source_event_id == "e1"
        assert report.incident.categories == [
            ChildCategory.DE_FACTO_UNATTENDED,
            ChildCategory.GUARDIANSHIP_FAILURE,
        ]
        assert report.incident.injured is False
        assert report.incident.location.area.value == "rural"
        assert "det-1" in report.incident.description
        assert "刘" not in report.incident.description
    assert [r.incident.immediate_danger for r in reports] == [True, False]


def test_the_age_comes_from_the_birth_date_or_the_resident_id() -> None:
    by_birth_date = child(birth_date=date(2020, 1, 1))
    by_id = child(id_number=make_id("20100101"))

    reports = police_reports(found(by_birth_date, by_id), event_id="e1", now=NOW)

    assert [r.incident.immediate_danger for r in reports] == [True, False]
    assert reports[1].child.id_number == make_id("20100101")


def test_an_invalid_resident_id_is_set_aside_and_the_child_still_reported() -> None:
    forged = make_id("20100101")[:17] + ("1" if make_id("20100101")[17] != "1" else "2")

    [report] = police_reports(found(child(id_number=forged, age=12)), event_id="e1", now=NOW)

    assert report.child.id_number is None
    assert report.child.name == "刘小雨"
    assert report.incident.immediate_danger is False


def test_a_gender_contradicting_the_resident_id_becomes_unknown() -> None:
    [report] = police_reports(
        found(child(gender="male", id_number=make_id("20100101"))), event_id="e1", now=NOW
    )

    assert report.child.gender.value == "unknown"
    assert report.child.id_number == make_id("20100101")


def test_a_police_clock_running_ahead_does_not_lose_the_report() -> None:
    [report] = police_reports(found(child(age=5), found_at=NOW + timedelta(hours=1)), event_id="e1", now=NOW)

    assert report.incident.occurred_at == NOW
