import pytest

from backbone.privacy import mask_id_number, mask_name, mask_phone


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张小明", "张**"),
        ("李娜", "李*"),
        ("欧阳娜娜", "欧***"),
        ("  王五 ", "王*"),
        ("林", "*"),
        ("", ""),
    ],
)
def test_mask_name_keeps_only_the_first_character(name: str, masked: str) -> None:
    assert mask_name(name) == masked


@pytest.mark.parametrize(
    ("id_number", "masked"),
    # These numbers fail the check digit on purpose: masking must not depend on a real person's ID.
    [
        ("11010520150607123X", "110105********123X"),
        (" 370702201001010025 ", "370702********0025"),
        ("12345678901", "123456*8901"),
        # Too short to hide anything while keeping 6 + 4: nothing is shown.
        ("1234567890", "**********"),
        ("", ""),
    ],
)
def test_mask_id_number_keeps_region_and_last_four(id_number: str, masked: str) -> None:
    assert mask_id_number(id_number) == masked


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("0536-8123456", "053*****3456"),
        ("12345678", "123*5678"),
        ("12355", "*****"),
        ("1234567", "*******"),
    ],
)
def test_mask_phone_keeps_first_three_and_last_four(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


def test_masked_values_keep_their_length_so_layouts_do_not_shift() -> None:
    assert len(mask_id_number("11010520150607123X")) == 18
    assert len(mask_phone("13812345678")) == 11
