"""One child, one file: which existing file a reported child is matched to, and the child's age."""

from dataclasses import dataclass
from datetime import date

from services.intake.children.matching import Identity, age_on, best_match, is_same_child, lock_keys
from services.intake.reports.resident_id import check_digit
from services.intake.reports.schemas import Child


def make_id(born: str = "20150607", sequence: str = "123") -> str:
    first17 = "370702" + born + sequence
    return first17 + check_digit(first17)


@dataclass
class File:
    child_id: str
    name: str | None
    birth_date: date | None
    id_number: str | None
    district: str = "370702"


BORN = date(2015, 6, 7)
REPORTED = Identity(name="张小明", birth_date=BORN, id_number=make_id(), district="370702")


def test_the_identity_takes_the_birth_date_from_the_resident_id() -> None:
    child = Child.model_validate(
        {"name": "张小明", "id_number": make_id(), "gender": "male", "district": "370702"}
    )
    assert Identity.of(child) == REPORTED


def test_the_same_resident_id_is_the_same_child_whatever_the_name() -> None:
    assert is_same_child(REPORTED, File("c1", name="张晓明", birth_date=BORN, id_number=make_id()))


def test_a_different_resident_id_is_another_child_even_with_the_same_name() -> None:
    assert not is_same_child(
        REPORTED, File("c1", name="张小明", birth_date=BORN, id_number=make_id(sequence="133"))
    )


def test_without_an_id_on_one_side_name_birth_date_and_district_decide() -> None:
    assert is_same_child(REPORTED, File("c1", name="张小明", birth_date=BORN, id_number=None))
    no_id = Identity(name="张小明", birth_date=BORN, id_number=None, district="370702")
    assert is_same_child(no_id, File("c1", name="张小明", birth_date=BORN, id_number=make_id()))


def test_a_different_district_or_birth_date_is_another_child() -> None:
    assert not is_same_child(
        REPORTED, File("c1", name="张小明", birth_date=BORN, id_number=None, district="370703")
    )
    assert not is_same_child(REPORTED, File("c1", name="张小明", birth_date=date(2015, 6, 8), id_number=None))


def test_a_nameless_child_without_an_id_matches_nobody() -> None:
    unknown = Identity(name=None, birth_date=None, id_number=None, district="370702")
    assert not is_same_child(unknown, File("c1", name=None, birth_date=None, id_number=None))
    assert lock_keys(unknown) == []


def test_a_file_with_the_same_id_is_preferred_over_a_namesake() -> None:
    namesake = File("c1", name="张小明", birth_date=BORN, id_number=None)
    by_id = File("c2", name="张晓明", birth_date=BORN, id_number=make_id())
    assert best_match(REPORTED, [namesake, by_id]) is by_id
    assert best_match(REPORTED, [namesake]) is namesake
    assert best_match(REPORTED, []) is None


def test_lock_keys_cover_the_id_and_the_person_in_a_fixed_order() -> None:
    keys = lock_keys(REPORTED)
    assert keys == sorted(keys)
    assert len(keys) == 2
    assert any(make_id() in k for k in keys)


def test_age_comes_from_the_birth_date_else_the_estimate() -> None:
    assert age_on(REPORTED, estimate=3, on=date(2025, 6, 6)) == 9
    assert age_on(REPORTED, estimate=3, on=date(2025, 6, 7)) == 10
    unknown_birth = Identity(name="张小明", birth_date=None, id_number=None, district="370702")
    assert age_on(unknown_birth, estimate=6, on=date(2025, 6, 7)) == 6
    assert age_on(unknown_birth, estimate=None, on=date(2025, 6, 7)) is None
