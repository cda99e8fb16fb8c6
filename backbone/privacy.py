"""Masking of children's and reporters' personal information for logs, lists and shared views.

Agencies share case data, but personal information must be used under rules that protect it
(DOMAIN.md, 002 §7(20)); these helpers produce the forms that may leave the owning service.
"""

MASK = "*"
# The display name of a child whose name nobody knows (an abandoned infant). It names no one, so masking
# leaves it whole: a receiving service that masks again must not turn it into a surname "姓".
UNKNOWN_NAME = "姓名不详"


def _mask_middle(value: str, keep_start: int, keep_end: int) -> str:
    hidden = len(value) - keep_start - keep_end
    # A value too short to hide at least one character would leak whole; hide all of it instead.
    if hidden < 1:
        return MASK * len(value)
    return value[:keep_start] + MASK * hidden + value[len(value) - keep_end :]


def mask_name(name: str) -> str:
    """Keep the first character (the surname for most Chinese names): "张小明" -> "张**"."""
    if name.strip() == UNKNOWN_NAME:
        return UNKNOWN_NAME
    return _mask_middle(name.strip(), keep_start=1, keep_end=0)


def mask_id_number(id_number: str) -> str:
    """Keep the 6-digit region code and the last 4 characters: "110105********123X"."""
    return _mask_middle(id_number.strip(), keep_start=6, keep_end=4)


def mask_phone(phone: str) -> str:
    """Keep the first 3 and the last 4 characters: "138****5678"."""
    return _mask_middle(phone.strip(), keep_start=3, keep_end=4)
