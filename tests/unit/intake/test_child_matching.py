"""One child, one file: which existing file a reported child is matched to, and the child's age."""

from dataclasses import dataclass
from datetime import date

from services.intake.children.matching import (
    Identity,
    IdentityIndexes,
    age_on,
    best_match,
    is_same_child,
    lock_keys,
)
from services.intake.personal_data import indexes_of
from services.intake.reports.resident_id import check_digit
from services.intake.reports.schemas import Child
from tests.support.keys import fixed_ring

RING = fixed_ring()


def make_id(born: str = "20150607", sequence: str = "123") -> str:
    first17 = "370702" + born + sequence
    return first17 + check_digit(first17)


@dataclass
class File:
    """A stored file as matching sees it: only its blind indexes."""

    child_id: str
    id_number_index: str | None
    person_index: str | None


def file(child_id: str, *, district: str = "370702", **identity: str | date | None) -> File:
    indexes = indexes_of(RING, Identity(district=district, **identity))  # type: ignore[arg-type]
    return File(child_id, indexes.id_number, indexes.person)


def idx(identity: Identity) -> IdentityIndexes:
    return indexes_of(RING, identity)


BORN = date(2015, 6, 7)
REPORTED = Identity(name="张小明", birth_date=BORN, id_number=make_id(), district="370702")


def test_the_identity_takes_the_birth_date_from_the_resident_id() -> None:
    child = Child.model_validate(
        {"name": "张小明", "id_number": make_id(), "gender": "male", "district": "370702"}
    )
    assert Identity.of(child) == REPORTED


def test_the_same_resident_id_is_the_same_child_whatever_the_name() -> None:
    assert is_same_child(idx(REPORTED), file("c1", name="张晓明", birth_date=BORN, id_number=make_id()))


def test_a_different_resident_id_is_another_child_even_with_the_same_name() -> None:
    assert not is_same_child(
        idx(REPORTED), file("c1", name="张小明", birth_date=BORN, id_number=make_id(sequence="133"))
    )


def test_without_an_id_on_one_side_name_birth_date_and_district_decide() -> None:
    assert is_same_child(idx(REPORTED), file("c1", name="张小明", birth_date=BORN, id_number=None))
    no_id = Identity(name="张小明", birth_date=BORN, id_number=None, district="370702")
    assert is_same_child(idx(no_id), file("c1", name="张小明", birth_date=BORN, id_number=make_id()))


def test_a_different_district_or_birth_date_is_another_child() -> None:
    assert not is_same_child(
        idx(REPORTED), file("c1", name="张小明", birth_date=BORN, id_number=None, district="370703")
    )
    other_day = file("c1", name="张小明", birth_date=date(2015, 6, 8), id_number=None)
    assert not is_same_child(idx(REPORTED), other_day)


def test_a_nameless_child_without_an_id_matches_nobody() -> None:
    unknown = Identity(name=None, birth_date=None, id_number=None, district="370702")
    assert not is_same_child(idx(unknown), file("c1", name=None, birth_date=None, id_number=None))
    assert lock_keys(idx(unknown)) == []


def test_a_file_with_the_same_id_is_preferred_over_a_namesake() -> None:
    namesake = file("c1", name="张小明", birth_date=BORN, id_number=None)
    by_id = file("c2", name="张晓明", birth_date=BORN, id_number=make_id())
    assert best_match(idx(REPORTED), [namesake, by_id]) is by_id
    assert best_match(idx(REPORTED), [namesake]) is namesake
    assert best_match(idx(REPORTED), []) is None


def test_lock_keys_cover_the_id_and_the_person_in_a_fixed_order() -> None:
    keys = lock_keys(idx(REPORTED))
    assert keys == sorted(keys)
    assert len(keys) == 2
    assert not any(make_id() in k or "张小明" in k for k in keys)  # lock names are blind indexes


def test_blind_indexes_are_keyed_and_separate_the_two_purposes() -> None:
    other_ring = fixed_ring(index_byte=8)
    assert idx(REPORTED) == idx(REPORTED)
    assert indexes_of(other_ring, REPORTED) != idx(REPORTED)
    assert idx(REPORTED).id_number != idx(REPORTED).person


def test_age_comes_from_the_birth_date_else_the_estimate() -> None:
    assert age_on(REPORTED, estimate=3, on=date(2025, 6, 6)) == 9
    assert age_on(REPORTED, estimate=3, on=date(2025, 6, 7)) == 10
    unknown_birth = Identity(name="张小明", birth_date=None, id_number=None, district="370702")
    assert age_on(unknown_birth, estimate=6, on=date(2025, 6, 7)) == 6
    assert age_on(unknown_birth, estimate=None, on=date(2025, 6, 7)) is None
