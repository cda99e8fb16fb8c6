"""Request and response bodies of the inbox, and field types every agency's steps reuse."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from contracts.events.common import Area, Priority, Role
from services.agency.referrals.rules import ReferralStatus


def _printable(value: str) -> str:
    # isprintable() is False for control, format and line/paragraph separator characters.
    if not value.isprintable():
        raise ValueError("must be printable text without control characters")
    return value


# A member of staff: a staff id or a person's name in any script (李警官), on one line, at most 64.
StaffName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64), AfterValidator(_printable)
]
Text500 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
# A unit, hospital, school, institution or file reference (not a person's name).
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class Body(BaseModel):
    """A request body: unknown fields are refused, so a typo is a 422 naming it, not silently ignored."""

    model_config = ConfigDict(extra="forbid")


class TimedBody(Body):
    """A step's body that may report when it happened; a time outside the usual bounds (before the
    referral existed) is accepted only as a late entry with its reason (services/agency/timing.py)."""

    late_entry_reason: Annotated[str, StringConstraints(max_length=500)] | None = Field(
        default=None, description="Why the step is entered late, when its time precedes the referral"
    )


class AcceptBody(Body):
    officer: StaffName | None = None


class DeclineBody(Body):
    reason: Text500


class CompleteBody(Body):
    outcome: Text500


class ReferralView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    referral_id: str
    case_id: str
    child_id: str
    task: str
    role: Role
    priority: Priority
    emergency: bool
    categories: list[str]
    district: str
    area: Area
    reason: str
    status: ReferralStatus
    created_at: datetime
    received_at: datetime
    accepted_at: datetime | None
    accepted_by: str | None
    declined_at: datetime | None
    decline_reason: str | None
    completed_at: datetime | None
    outcome: str | None
