"""School contact once, then one forward-looking return plan; each aid programme and the support once."""

from datetime import date

import pytest

from services.agency.errors import InvalidInput, StepRefused
from services.education.schooling.rules import (
    check_aid,
    check_psychological_support,
    check_return_plan,
    check_school_contact,
)

TODAY = date(2026, 11, 26)


def test_school_contact_is_recorded_once() -> None:
    check_school_contact(contacted=False)
    with pytest.raises(StepRefused, match="already recorded"):
        check_school_contact(contacted=True)


def test_return_plan_follows_contact_once_and_not_in_the_past() -> None:
    check_return_plan(contacted=True, planned=False, planned_return_date=TODAY, today=TODAY)
    with pytest.raises(StepRefused, match="contact with the child and family first"):
        check_return_plan(contacted=False, planned=False, planned_return_date=TODAY, today=TODAY)
    with pytest.raises(StepRefused, match="already made"):
        check_return_plan(contacted=True, planned=True, planned_return_date=TODAY, today=TODAY)
    with pytest.raises(InvalidInput) as error:
        check_return_plan(contacted=True, planned=False, planned_return_date=date(2026, 11, 25), today=TODAY)
    assert error.value.field == "planned_return_date"


def test_aid_programmes_and_support_once_each() -> None:
    check_aid(programme="grant", enrolled={"fee_waiver"})
    with pytest.raises(StepRefused, match="already enrolled in grant"):
        check_aid(programme="grant", enrolled={"grant"})
    check_psychological_support(started=False)
    with pytest.raises(StepRefused, match="already started"):
        check_psychological_support(started=True)
