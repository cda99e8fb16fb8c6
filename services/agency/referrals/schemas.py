"""Request and response bodies of the inbox, and field types every agency's steps reuse."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from contracts.events.common import Area, Priority, Role
from services.agency.referrals.rules import ReferralStatus

# A staff or unit id, never a person's name: ASCII letters, digits and . _ -.
StaffId = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9._-]{1,64}$")]
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
    officer: StaffId | None = None


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
