"""Events every agency publishes about the referrals in its inbox (受理, decline, hold, notes, completion)."""

from __future__ import annotations

from pydantic import AwareDatetime, Field

from contracts.catalogue import CATALOGUE
from contracts.envelope import Event
from contracts.events.common import Agency, DeclineReason, Priority, Role


class ReferralAccepted(Event):
    """The agency accepted the referral (受理)."""

    TYPE = "referral.accepted.v1"

    referral_id: str
    case_id: str
    agency: Agency
    task: str
    role: Role
    priority: Priority
    accepted_at: AwareDatetime
    officer: str | None = Field(default=None, description="Who accepted: a staff id or name")


class ReferralDeclinedV1(Event):
    """The agency declined the referral; routing re-routes or escalates it (superseded by v2)."""

    TYPE = "referral.declined.v1"

    referral_id: str
    case_id: str
    agency: Agency
    task: str
    role: Role
    reason: str = Field(min_length=1, max_length=500)
    priority: Priority | None = Field(default=None, description="The referral's priority when declined")
    declined_at: AwareDatetime


class ReferralDeclined(ReferralDeclinedV1):
    """The agency declined the referral with a code from the published list; routing re-routes or
    escalates it."""

    TYPE = "referral.declined.v2"

    reason_code: DeclineReason | None = Field(
        default=None,
        description="Why, from contracts/policies/decline_reasons.v1.json; every v2 an agency emits has it "
        "(absent only on a v1 event read as v2)",
    )


class ReferralCompleted(Event):
    """The agency finished its task for the case."""

    TYPE = "referral.completed.v1"

    referral_id: str
    case_id: str
    agency: Agency
    task: str
    role: Role
    outcome: str = Field(min_length=1, max_length=500)
    priority: Priority | None = Field(default=None, description="The referral's priority when completed")
    completed_at: AwareDatetime


class ReferralHeld(Event):
    """The agency put an accepted referral on hold (FHIR Task on-hold): its deadlines pause."""

    TYPE = "referral.held.v1"

    referral_id: str
    case_id: str
    agency: Agency
    task: str
    role: Role
    priority: Priority
    reason: str = Field(min_length=1, max_length=500, description="Why the work waits (free text)")
    held_at: AwareDatetime


class ReferralResumed(Event):
    """The agency took a held referral up again: the deadlines its hold paused run again."""

    TYPE = "referral.resumed.v1"

    referral_id: str
    case_id: str
    agency: Agency
    task: str
    role: Role
    priority: Priority
    held_at: AwareDatetime = Field(description="When the hold that ends now began")
    resumed_at: AwareDatetime


class ReferralProgressNoted(Event):
    """The agency posted an interim progress note on a referral; the lead sees it on the case."""

    TYPE = "referral.progress_noted.v1"

    referral_id: str
    case_id: str
    agency: Agency
    task: str
    role: Role
    priority: Priority
    note_id: str
    note: str = Field(min_length=1, max_length=2000, description="The note (free text, never logged)")
    author: str | None = Field(default=None, description="Who wrote it: a staff id or name")
    noted_at: AwareDatetime


AGENCIES = ("police", "health", "education", "civil_affairs")
# Civil affairs follows every referral of its cases to its end: closing a case while another agency's
# referral is still open needs a supervisor's approval.
for _model in (ReferralDeclinedV1, ReferralDeclined, ReferralCompleted):
    CATALOGUE.register(_model, publishers=AGENCIES, consumers=("routing", "civil_affairs"))
for _model in (
    ReferralAccepted,
    ReferralHeld,
    ReferralResumed,
    ReferralProgressNoted,
):
    CATALOGUE.register(_model, publishers=AGENCIES, consumers=("routing",))
