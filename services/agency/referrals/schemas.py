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
    model_config = ConfigDict(json_schema_extra={"examples": [{"officer": "officer-0451"}]})

    officer: StaffName | None = Field(
        default=None, description="Who accepts: a staff id or a name, as the agency's own system knows them"
    )


class DeclineBody(Body):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"reason": "The child lives outside this station's precinct"}]}
    )

    reason: Text500 = Field(
        description="Why the agency hands the referral back; shown to routing and the lead"
    )


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
        description="pending, accepted (受理), declined (退回) or completed (办结)"
    )
    created_at: datetime = Field(
        description="When routing made the referral: the acceptance deadline starts here"
    )
    received_at: datetime = Field(description="When this agency's inbox received it")
    accepted_at: datetime | None = Field(description="When the agency accepted it")
    accepted_by: str | None = Field(description="Who accepted it, as given in the accept body")
    declined_at: datetime | None = Field(description="When the agency declined it")
    decline_reason: str | None = Field(description="The reason given when declining")
    completed_at: datetime | None = Field(description="When the agency completed it")
    outcome: str | None = Field(description="The outcome given when completing")
