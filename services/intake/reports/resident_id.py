"""Resident identity numbers (公民身份号码), GB 11643-1999.

Layout: 6-digit region code, 8-digit birth date (YYYYMMDD), 3-digit sequence code whose last digit
is odd for males and even for females, and a check character computed with ISO 7064 MOD 11-2.
Only the 18-character form is accepted: the 15-character form was retired before any child now
under 18 was born.
"""

import re
import unicodedata
from datetime import date
from typing import Literal

# ISO 7064 MOD 11-2 weights: 2^(17-i) mod 11 for the 17 leading digits.
_WEIGHTS = tuple(pow(2, 17 - position, 11) for position in range(17))
# Indexed by the weighted sum mod 11; 'X' stands for the check value 10.
_CHECK_CHARACTERS = "10X98765432"
_LEADING_DIGITS = re.compile(r"[0-9]{17}")
_SHAPE = re.compile(r"[0-9]{17}[0-9X]")

Sex = Literal["male", "female"]


class ResidentIdError(ValueError):
    """The text is not a valid resident identity number; the message says why, without echoing it."""


def normalize(id_number: str) -> str:
    """Strip spaces and turn full-width digits and a lower-case 'x' into the canonical form."""
    # Chinese input methods commonly produce full-width digits (１２３) and 'Ｘ'; NFKC maps them to ASCII.
    return unicodedata.normalize("NFKC", id_number).strip().upper()


def check_digit(first17: str) -> str:
    """The check character ('0'-'9' or 'X') for the first 17 digits of a resident ID."""
    if not _LEADING_DIGITS.fullmatch(first17):
        raise ResidentIdError("the first 17 characters of a resident ID must be digits")
    weighted_sum = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARACTERS[weighted_sum % 11]


def validate(id_number: str) -> str:
    """Return the normalized resident ID, or raise ResidentIdError saying what is wrong with it."""
    normalized = normalize(id_number)
    if not _SHAPE.fullmatch(normalized):
        raise ResidentIdError("a resident ID is 17 digits followed by a digit or X")
    _embedded_birth_date(normalized)
    # The expected character is deliberately not revealed: "correcting" the check character would
    # hide a typo elsewhere in the number instead of fixing it.
    if normalized[17] != check_digit(normalized[:17]):
        raise ResidentIdError("the resident ID's check character does not match; the number has a typo")
    return normalized


def is_valid(id_number: str) -> bool:
    try:
        validate(id_number)
    except ResidentIdError:
        return False
    return True


def birth_date_of(id_number: str) -> date:
    """The birth date embedded in a valid resident ID."""
    return _embedded_birth_date(validate(id_number))


def sex_of(id_number: str) -> Sex:
    """The sex encoded by the 17th character of a valid resident ID (odd: male, even: female)."""
    return "male" if int(validate(id_number)[16]) % 2 else "female"


def _embedded_birth_date(normalized: str) -> date:
    digits = normalized[6:14]
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise ResidentIdError("the birth date embedded in the resident ID is not a real date") from None
