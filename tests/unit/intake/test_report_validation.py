from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import ValidationError

from services.intake.reports import ChildCategory, Gender, ReportSubmission
from services.intake.reports.resident_id import check_digit

NOW = datetime(2025, 6, 1, 10, 0, tzinfo=UTC)
BEIJING = timezone(timedelta(hours=8))


def make_id(born: str = "20150607", sequence: str = "123") -> str:
    """A synthetic resident ID with a correct check digit; sequence '123' is a boy, '124' a girl."""
    first17 = "370702" + born + sequence
    return first17 + check_digit(first17)


def a_report(**changes: Any) -> dict[str, Any]:
    """A valid report body; `changes` maps dotted paths to new values, None deletes the key."""
    body: dict[str, Any] = {
        "source": "school",
        "reporter": {"name": "王老师", "organization": "潍坊市实验小学", "phone": "13812345678"},
        "child": {
            "name": "张小明",
            "gender": "male",
            "birth_date": "2015-06-07",
            "id_number": make_id(),
            "district": "370702",
        },
        "incident": {
            "categories": ["abuse"],
            "description": "孩子身上多处淤青，称被父亲殴打。",
            "occurred_at": "2025-05-31T20:00:00+08:00",
            "location": {"district": "370702", "address": "某小区", "area": "urban"},
            "immediate_danger": False,
            "injured": True,
        },
    }
    for path, value in changes.items():
        *parents, leaf = path.split(".")
        target = body
        for key in parents:
            target = target[key]
        if value is None:
            del target[leaf]
        else:
            target[leaf] = value
    return body


def validate(body: dict[str, Any], now: datetime = NOW) -> ReportSubmission:
    return ReportSubmission.model_validate(body, context={"now": now})


def refused_at(body: dict[str, Any], now: datetime = NOW) -> dict[tuple[str | int, ...], str]:
    with pytest.raises(ValidationError) as refused:
        validate(body, now)
    return {tuple(error["loc"]): error["msg"] for error in refused.value.errors()}


# --- valid reports ---------------------------------------------------------------------------------


def test_a_complete_report_is_accepted() -> None:
    report = validate(
        a_report(**{"incident.suspected_offender_relation": "parent", "child.school": "实验小学"})
    )
    assert report.child.gender is Gender.MALE
    assert report.incident.categories == [ChildCategory.ABUSE]
    assert report.reporter.wants_feedback is True
    assert report.child_age_years(NOW.date()) == 9


def test_an_unknown_abandoned_infant_needs_no_name_birth_date_age_or_id() -> None:
    body = a_report(**{"child.name": None, "child.birth_date": None, "child.id_number": None})
    body["child"]["gender"] = "unknown"
    body["incident"]["categories"] = ["abandonment"]
    body["source"] = "hospital"
    report = validate(body)
    assert report.child.name is None
    assert report.child_age_years(NOW.date()) is None


def test_inputs_are_normalized() -> None:
    report = validate(
        a_report(
            **{
                "child.id_number": f" {make_id().lower()} ",
                "incident.description": "  described  ",
                "incident.categories": ["abuse", "injury", "abuse"],
            }
        )
    )
    assert report.child.id_number == make_id()
    assert report.incident.description == "described"
    assert report.incident.categories == [ChildCategory.ABUSE, ChildCategory.INJURY]


def test_gender_unknown_is_accepted_with_any_id() -> None:
    assert validate(a_report(**{"child.gender": "unknown"})).child.gender is Gender.UNKNOWN


def test_a_girl_matches_an_even_sequence_digit() -> None:
    report = validate(a_report(**{"child.gender": "female", "child.id_number": make_id(sequence="124")}))
    assert report.child.gender is Gender.FEMALE


def test_a_child_on_the_day_before_the_18th_birthday_is_still_a_child() -> None:
    born = "2007-06-02"
    report = validate(a_report(**{"child.birth_date": born, "child.id_number": None}))
    assert report.child_age_years(NOW.date()) == 17


def test_a_baby_born_today_in_beijing_is_accepted_while_it_is_still_yesterday_in_utc() -> None:
    late_evening_utc = datetime(2025, 6, 1, 17, 0, tzinfo=UTC)  # 01:00 on 2 June in Beijing
    body = a_report(**{"child.birth_date": "2025-06-02", "child.id_number": None})
    assert validate(body, now=late_evening_utc).child.birth_date == date(2025, 6, 2)


def test_occurred_at_a_few_minutes_ahead_is_tolerated_as_clock_drift() -> None:
    slightly_ahead = (NOW + timedelta(minutes=4)).isoformat()
    assert validate(a_report(**{"incident.occurred_at": slightly_ahead})).incident.occurred_at.tzinfo


# --- child_age_years -------------------------------------------------------------------------------


def test_child_age_comes_from_the_birth_date_in_the_id_when_no_birth_date_is_given() -> None:
    report = validate(a_report(**{"child.birth_date": None}))
    assert report.child_age_years(date(2025, 6, 6)) == 9
    assert report.child_age_years(date(2025, 6, 7)) == 10


def test_child_age_falls_back_to_the_reporters_estimate() -> None:
    report = validate(a_report(**{"child.birth_date": None, "child.id_number": None, "child.age": 6}))
    assert report.child_age_years(NOW.date()) == 6


def test_child_age_refuses_a_date_before_birth() -> None:
    with pytest.raises(ValueError, match="before their birth"):
        validate(a_report()).child_age_years(date(2015, 6, 6))


# --- refusals, each at its field ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("id_number", "message"),
    [
        pytest.param(
            make_id()[:17] + ("1" if make_id()[17] != "1" else "2"), "check character", id="check digit"
        ),
        pytest.param(make_id()[:16], "17 digits followed by a digit or X", id="too short"),
        pytest.param("37070220150607ABCD", "17 digits followed by a digit or X", id="letters"),
        pytest.param(make_id(born="20150231"), "not a real date", id="impossible date"),
    ],
)
def test_an_invalid_resident_id_is_refused(id_number: str, message: str) -> None:
    errors = refused_at(a_report(**{"child.id_number": id_number}))
    assert list(errors) == [("child", "id_number")]
    assert message in errors[("child", "id_number")]


def test_a_resident_id_whose_birth_date_disagrees_with_birth_date_is_refused() -> None:
    errors = refused_at(a_report(**{"child.birth_date": "2015-06-08"}))
    assert list(errors) == [("child", "id_number")]
    assert "disagrees with birth_date" in errors[("child", "id_number")]


def test_a_resident_id_born_in_the_future_is_refused() -> None:
    body = a_report(**{"child.birth_date": None, "child.id_number": make_id(born="20250602")})
    assert "in the future" in refused_at(body)[("child", "id_number")]


def test_a_resident_id_of_an_adult_is_refused() -> None:
    body = a_report(**{"child.birth_date": None, "child.id_number": make_id(born="20070601")})
    assert "18 or older" in refused_at(body)[("child", "id_number")]


@pytest.mark.parametrize(("gender", "sequence"), [("female", "123"), ("male", "124")])
def test_a_gender_disagreeing_with_the_resident_id_is_refused(gender: str, sequence: str) -> None:
    errors = refused_at(a_report(**{"child.gender": gender, "child.id_number": make_id(sequence=sequence)}))
    assert list(errors) == [("child", "gender")]
    assert "sex encoded in the resident ID" in errors[("child", "gender")]


def test_a_birth_date_in_the_future_is_refused() -> None:
    errors = refused_at(a_report(**{"child.birth_date": "2025-06-02", "child.id_number": None}))
    assert list(errors) == [("child", "birth_date")]
    assert "in the future" in errors[("child", "birth_date")]


@pytest.mark.parametrize("born", ["2007-06-01", "2000-01-01"])
def test_a_birth_date_making_the_child_18_or_older_is_refused(born: str) -> None:
    errors = refused_at(a_report(**{"child.birth_date": born, "child.id_number": None}))
    assert list(errors) == [("child", "birth_date")]
    assert "18 or older" in errors[("child", "birth_date")]


@pytest.mark.parametrize("age", [18, 30, -1])
def test_an_age_of_18_or_more_or_negative_is_refused(age: int) -> None:
    assert list(refused_at(a_report(**{"child.age": age}))) == [("child", "age")]


@pytest.mark.parametrize("age", [0, 17])
def test_ages_0_to_17_are_accepted(age: int) -> None:
    assert validate(a_report(**{"child.age": age})).child.age == age


def test_an_unknown_category_is_refused_at_its_position() -> None:
    errors = refused_at(a_report(**{"incident.categories": ["abuse", "bullying"]}))
    assert list(errors) == [("incident", "categories", 1)]


def test_no_category_is_refused() -> None:
    assert list(refused_at(a_report(**{"incident.categories": []}))) == [("incident", "categories")]


def test_an_occurred_at_in_the_future_is_refused() -> None:
    errors = refused_at(a_report(**{"incident.occurred_at": (NOW + timedelta(minutes=6)).isoformat()}))
    assert list(errors) == [("incident", "occurred_at")]
    assert "in the future" in errors[("incident", "occurred_at")]


def test_a_naive_occurred_at_is_refused() -> None:
    errors = refused_at(a_report(**{"incident.occurred_at": "2025-05-31T20:00:00"}))
    assert list(errors) == [("incident", "occurred_at")]


@pytest.mark.parametrize("description", ["", "   \n\t "])
def test_an_empty_description_is_refused(description: str) -> None:
    assert list(refused_at(a_report(**{"incident.description": description}))) == [
        ("incident", "description")
    ]


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("child.district", "37070"),
        ("child.district", "37070A"),
        ("incident.location.district", "3707021"),
        ("incident.location.area", "mountain"),
        ("child.gender", "boy"),
        ("source", "newspaper"),
        ("reporter.phone", "call me"),
        ("reporter.name", " "),
        ("child.name", ""),
        ("incident.immediate_danger", "perhaps"),
        ("incident.suspected_offender_relation", "neighbour's dog"),
    ],
)
def test_other_malformed_fields_are_refused_at_their_location(path: str, value: object) -> None:
    assert list(refused_at(a_report(**{path: value}))) == [tuple(path.split("."))]


@pytest.mark.parametrize(
    "path", ["source", "reporter.phone", "child.district", "incident.location", "incident.injured"]
)
def test_required_fields_are_required(path: str) -> None:
    assert list(refused_at(a_report(**{path: None}))) == [tuple(path.split("."))]


def test_a_misspelt_field_is_refused_rather_than_dropped() -> None:
    assert list(refused_at(a_report(**{"child.id_numbr": make_id()}))) == [("child", "id_numbr")]


def test_all_problems_are_reported_at_once() -> None:
    body = a_report(**{"child.age": 20, "incident.description": " ", "incident.categories": ["x"]})
    assert set(refused_at(body)) == {
        ("child", "age"),
        ("incident", "description"),
        ("incident", "categories", 0),
    }


def test_validation_errors_do_not_echo_personal_data() -> None:
    body = a_report(**{"child.birth_date": "2015-06-08"})
    with pytest.raises(ValidationError) as refused:
        validate(body)
    assert make_id() not in str(refused.value)


# --- the injectable clock --------------------------------------------------------------------------


def test_without_context_the_current_time_is_used() -> None:
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    with pytest.raises(ValidationError) as refused:
        ReportSubmission.model_validate(a_report(**{"incident.occurred_at": tomorrow}))
    assert [tuple(error["loc"]) for error in refused.value.errors()] == [("incident", "occurred_at")]


def test_the_context_clock_decides_what_is_future() -> None:
    body = a_report(**{"incident.occurred_at": "2030-01-01T00:00:00+08:00"})
    assert validate(body, now=datetime(2030, 1, 1, tzinfo=BEIJING)).incident.occurred_at.year == 2030


def test_a_naive_context_clock_is_a_programming_error_not_a_validation_error() -> None:
    with pytest.raises(TypeError, match="timezone-aware"):
        ReportSubmission.model_validate(a_report(), context={"now": datetime(2025, 6, 1)})
