"""Request and response bodies of the inbox, and field types every agency's steps reuse."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from contracts.events.common import Area, DeclineReason, Priority, Role
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
    """Why the agency will not take the referral: a code from the published list, and free text."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"reason_code": "outside_mandate", "reason": "not a school matter"}]},
    )

    reason_code: DeclineReason = Field(description="From contracts/policies/decline_reasons.v1.json")
    reason: Text500 = Field(description="Free text beside the code (never logged)")


class HoldBody(Body):
    """Why the work on the referral waits."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reason": "waiting on the court's hearing date"}]}
    )

    reason: Text500 = Field(description="Why the referral is on hold (free text, never logged)")


class NoteBody(Body):
    """An interim progress note on a referral under way."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"note": "family visited; second visit next week", "author": "李警官"}]
        },
    )

    note: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)] = Field(
        description="The note (free text: the lead and the case timeline see it; never logged)"
    )
    author: StaffName | None = Field(default=None, description="Who wrote it: a staff id or name")


class NoteView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    note_id: str
    referral_id: str
    case_id: str
    note: str
    author: str | None
    noted_at: datetime


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
    decline_reason_code: DeclineReason | None = Field(description="The listed code of a decline")
    completed_at: datetime | None
    outcome: str | None
    held_at: datetime | None = Field(description="When the current hold began (on_hold only)")
    hold_reason: str | None
    withdrawn_at: datetime | None = Field(description="When routing withdrew (cancelled) the referral")
    withdrawn_by: str | None = Field(description="Who withdrew it: the task's lead agency or supervision")
    withdraw_reason: str | None
