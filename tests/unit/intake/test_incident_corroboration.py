"""A second report of an incident joins the open case: overlapping categories, within 24 hours, open."""

from datetime import UTC, datetime, timedelta

from services.intake.cases.corroboration import CaseFacts, corroborated_case, is_same_incident

INCIDENT = datetime(2025, 6, 1, 20, 0, tzinfo=UTC)


def case(
    case_id: str = "case-1", *, at: datetime = INCIDENT, categories=("abuse",), closed=False
) -> CaseFacts:
    return CaseFacts(
        case_id=case_id,
        first_report_id=f"first-of-{case_id}",
        categories=frozenset(categories),
        incident_occurred_at=at,
        opened_at=at + timedelta(hours=1),
        closed=closed,
    )


def test_same_categories_a_few_hours_later_is_the_same_incident() -> None:
    assert is_same_incident(case(), categories=["abuse"], occurred_at=INCIDENT + timedelta(hours=3))


def test_one_category_in_common_is_enough() -> None:
    assert is_same_incident(case(), categories=["injury", "abuse"], occurred_at=INCIDENT)


def test_no_category_in_common_is_another_incident() -> None:
    assert not is_same_incident(case(), categories=["dropout"], occurred_at=INCIDENT)


def test_the_window_is_24_hours_either_side_inclusive() -> None:
    for offset in (timedelta(hours=24), -timedelta(hours=24)):
        assert is_same_incident(case(), categories=["abuse"], occurred_at=INCIDENT + offset)
    for offset in (timedelta(hours=24, seconds=1), -timedelta(hours=24, seconds=1)):
        assert not is_same_incident(case(), categories=["abuse"], occurred_at=INCIDENT + offset)


def test_a_closed_case_takes_no_more_reports() -> None:
    assert not is_same_incident(case(closed=True), categories=["abuse"], occurred_at=INCIDENT)


def test_the_case_whose_incident_is_nearest_in_time_is_joined() -> None:
    earlier = case("earlier", at=INCIDENT - timedelta(hours=10))
    nearer = case("nearer", at=INCIDENT + timedelta(hours=2))
    joined = corroborated_case([earlier, nearer], categories=["abuse"], occurred_at=INCIDENT)
    assert joined is nearer
    assert joined.first_report_id == "first-of-nearer"


def test_no_matching_case_means_a_new_case() -> None:
    cases = [case(categories=["poverty"]), case("old", at=INCIDENT - timedelta(days=3))]
    assert corroborated_case(cases, categories=["abuse"], occurred_at=INCIDENT) is None
    assert corroborated_case([], categories=["abuse"], occurred_at=INCIDENT) is None
