import random
from collections.abc import Callable
from datetime import date

import pytest

from services.intake.reports import resident_id
from services.intake.reports.resident_id import ResidentIdError


def make_id(region: str = "370702", born: str = "20150607", sequence: str = "123") -> str:
    first17 = region + born + sequence
    return first17 + resident_id.check_digit(first17)


# A synthetic ID whose check character is 'X', to exercise the spellings of it.
ID_ENDING_IN_X = next(id_ for n in range(1000) if (id_ := make_id(sequence=f"{n:03d}")).endswith("X"))


def test_check_digit_matches_the_example_in_gb_11643() -> None:
    assert resident_id.check_digit("11010519491231002") == "X"


def test_check_digit_covers_every_check_character() -> None:
    # Varying the last sequence digit and the day walks the weighted sum through all 11 residues.
    seen = {
        resident_id.check_digit(f"3707022015060{day}12{digit}") for day in range(1, 10) for digit in range(10)
    }
    assert seen == set("0123456789X")


@pytest.mark.parametrize("first17", ["1234567890123456", "123456789012345678", "37070220150607AB3", ""])
def test_check_digit_needs_exactly_17_digits(first17: str) -> None:
    with pytest.raises(ResidentIdError):
        resident_id.check_digit(first17)


def test_a_computed_id_is_valid_and_any_single_digit_change_breaks_it() -> None:
    rng = random.Random(11643)
    for _ in range(50):
        valid = make_id(
            sequence=f"{rng.randrange(1000):03d}", born=f"20{rng.randrange(10, 25)}0{rng.randrange(1, 10)}15"
        )
        assert resident_id.is_valid(valid)
        position = rng.randrange(17)
        wrong_digit = str((int(valid[position]) + rng.randrange(1, 10)) % 10)
        altered = valid[:position] + wrong_digit + valid[position + 1 :]
        # MOD 11-2 detects every single-digit error; an altered date may also fail as a non-date.
        assert not resident_id.is_valid(altered)


@pytest.mark.parametrize(
    "spelling",
    [
        pytest.param(lambda id_: id_, id="canonical"),
        pytest.param(lambda id_: f"  {id_} ", id="surrounding spaces"),
        pytest.param(lambda id_: id_.lower(), id="lower-case x"),
        pytest.param(
            lambda id_: id_.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")), id="full-width"
        ),
    ],
)
def test_common_spellings_normalize_to_the_canonical_form(spelling: Callable[[str], str]) -> None:
    assert resident_id.validate(spelling(ID_ENDING_IN_X)) == ID_ENDING_IN_X
    assert resident_id.is_valid(spelling(ID_ENDING_IN_X))


@pytest.mark.parametrize(
    ("candidate", "message"),
    [
        (make_id()[:17], "17 digits followed by a digit or X"),
        (make_id() + "1", "17 digits followed by a digit or X"),
        ("37070220X50607123" + "1", "17 digits followed by a digit or X"),
        ("37070220150607ABC1", "17 digits followed by a digit or X"),
        ("370702150607123", "17 digits followed by a digit or X"),
        (make_id(born="20150230"), "not a real date"),
        (make_id(born="20151301"), "not a real date"),
        (make_id(born="20150000"), "not a real date"),
        (make_id(born="20190229"), "not a real date"),
    ],
)
def test_malformed_ids_are_refused_with_the_reason(candidate: str, message: str) -> None:
    with pytest.raises(ResidentIdError, match=message):
        resident_id.validate(candidate)
    assert not resident_id.is_valid(candidate)


def test_a_wrong_check_character_is_refused_without_revealing_the_right_one() -> None:
    valid = make_id()
    wrong = valid[:17] + ("0" if valid[17] != "0" else "1")
    with pytest.raises(ResidentIdError, match="check character does not match") as refused:
        resident_id.validate(wrong)
    assert not any(character.isdigit() or character == "X" for character in str(refused.value))


def test_birth_date_of_reads_the_embedded_date_including_leap_days() -> None:
    assert resident_id.birth_date_of(make_id(born="20150607")) == date(2015, 6, 7)
    assert resident_id.birth_date_of(make_id(born="20160229")) == date(2016, 2, 29)


def test_birth_date_of_refuses_an_invalid_id() -> None:
    valid = make_id()
    with pytest.raises(ResidentIdError):
        resident_id.birth_date_of(valid[:17] + ("0" if valid[17] != "0" else "1"))


@pytest.mark.parametrize(
    ("sequence", "sex"), [("001", "male"), ("123", "male"), ("002", "female"), ("990", "female")]
)
def test_sex_of_reads_the_17th_character(sequence: str, sex: str) -> None:
    assert resident_id.sex_of(make_id(sequence=sequence)) == sex
