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
    model_config = ConfigDict(json_schema_extra={"examples": [{"officer": "officer-0451"}]})

    officer: StaffName | None = Field(
        default=None, description="Who accepts: a staff id or a name, as the agency's own system knows them"
    )


class DeclineBody(Body):
    """Why the agency will not take the referral: a code from the published list, and free text."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"reason_code": "outside_mandate", "reason": "not a school matter"}]},
    )

    reason_code: DeclineReason = Field(description="From contracts/policies/decline_reasons.v1.json")
    reason: Text500 = Field(
        description="Why the agency hands the referral back, beside the code; shown to routing and the "
        "lead (never logged)"
    )


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
    """A progress note the agency posted."""

    model_config = ConfigDict(from_attributes=True)

    note_id: str = Field(description="The note's id")
    referral_id: str = Field(description="The referral it is about")
    case_id: str = Field(description="The case the referral belongs to")
    note: str = Field(description="The note's text")
    author: str | None = Field(description="Who wrote it, as given")
    noted_at: datetime = Field(description="When it was posted")


class CompleteBody(Body):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"outcome": "Child safe with her grandmother; family support arranged"}]
        }
    )

    outcome: Text500 = Field(description="What the agency did and how the task ended, without personal data")


class ReferralView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    referral_id: str = Field(description="The referral's id, as routing made it")
    case_id: str = Field(description="The case (个案) the referral belongs to")
    child_id: str = Field(description="Intake's pseudonymous id of the child's file (一人一档)")
    task: str = Field(description="The task handed over, e.g. emergency_response, medical_protection")
    role: Role = Field(description="lead (牵头, answerable for the task) or responsible (责任, contributes)")
    priority: Priority = Field(
        description="P1 immediate danger, P2 harm done but now safe, P3 need; only rises"
    )
    emergency: bool = Field(
        description="A first-moment referral: dispatch or admission accepts it on the spot"
    )
    categories: list[str] = Field(description="What the child is reported for, e.g. abuse, injury, missing")
    district: str = Field(description="6-digit administrative code where the agency is to act")
    area: Area = Field(description="urban, suburban or rural: sets the police arrival target")
    reason: str = Field(description="Why routing referred the case to this agency (the rule that applied)")
    status: ReferralStatus = Field(
        description="pending, accepted (受理), on_hold, declined (退回), completed (办结) or withdrawn"
    )
    created_at: datetime = Field(
        description="When routing made the referral: the acceptance deadline starts here"
    )
    received_at: datetime = Field(description="When this agency's inbox received it")
    accepted_at: datetime | None = Field(description="When the agency accepted it")
    accepted_by: str | None = Field(description="Who accepted it, as given in the accept body")
    declined_at: datetime | None = Field(description="When the agency declined it")
    decline_reason: str | None = Field(description="The reason given when declining")
    decline_reason_code: DeclineReason | None = Field(description="The listed code of a decline")
    completed_at: datetime | None = Field(description="When the agency completed it")
    outcome: str | None = Field(description="The outcome given when completing")
    held_at: datetime | None = Field(description="When the current hold began (on_hold only)")
    hold_reason: str | None = Field(description="Why it is on hold, as the agency gave it")
    withdrawn_at: datetime | None = Field(description="When routing withdrew (cancelled) the referral")
    withdrawn_by: str | None = Field(description="Who withdrew it: the task's lead agency or supervision")
    withdraw_reason: str | None = Field(description="Why it was withdrawn")
