"""What the school may record next, pure: one contact, then a return plan; each aid and support once."""

from __future__ import annotations

from datetime import date

from services.agency.errors import InvalidInput, StepRefused


def check_school_contact(*, contacted: bool) -> None:
    """The first contact stops the follow-up clock; it is recorded once."""
    if contacted:
        raise StepRefused("the school's contact with the child and family is already recorded")


def check_return_plan(*, contacted: bool, planned: bool, planned_return_date: date, today: date) -> None:
    """A return-to-school plan follows the school's contact, is made once and looks forward."""
    if not contacted:
        raise StepRefused("record the school's contact with the child and family first")
    if planned:
        raise StepRefused("a return-to-school plan is already made")
    if planned_return_date < today:
        raise InvalidInput("planned_return_date", "must not be in the past")


def check_aid(*, programme: str, enrolled: set[str]) -> None:
    """A child is enrolled in each aid programme once."""
    if programme in enrolled:
        raise StepRefused(f"the child is already enrolled in {programme}")


def check_psychological_support(*, started: bool) -> None:
    """The school's psychological support starts once."""
    if started:
        raise StepRefused("psychological support has already started")
