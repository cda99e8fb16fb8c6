"""Events every agency publishes about the referrals in its inbox (受理, decline, completion)."""

from __future__ import annotations

from pydantic import AwareDatetime, Field

from contracts.catalogue import CATALOGUE
from contracts.envelope import Event
from contracts.events.common import Agency, Priority, Role


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


class ReferralDeclined(Event):
    """The agency declined the referral; routing re-routes or escalates it."""

    TYPE = "referral.declined.v1"

    referral_id: str
    case_id: str
    agency: Agency
    task: str
    role: Role
    reason: str = Field(min_length=1, max_length=500)
    priority: Priority | None = Field(default=None, description="The referral's priority when declined")
    declined_at: AwareDatetime


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


AGENCIES = ("police", "health", "education", "civil_affairs")
for _model in (ReferralAccepted, ReferralDeclined, ReferralCompleted):
    CATALOGUE.register(_model, publishers=AGENCIES, consumers=("routing",))
