"""Events published by routing: triage, referrals, priority changes and deadlines."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from contracts.catalogue import CATALOGUE
from contracts.envelope import Event
from contracts.events.common import Agency, Area, Category, DistrictCode, Priority, Role

# Who deadlines escalate to at twice their target, and where undeliverable referrals go (联席会议办公室).
JOINT_MEETING_OFFICE = "joint_meeting_office"
# Why routing made a referral: triage of a report, or one of the onward paths.
ReferralReason = Literal["triage", "rerouted", "escalated", "police_outcome", "health_finding", "new_report"]


class CaseOpened(Event):
    """Triage opened a case for a new report."""

    TYPE = "case.opened.v1"

    case_id: str
    child_id: str
    priority: Priority
    priority_reasons: list[str]
    rule_version: str
    opened_at: AwareDatetime


class ReferralCreated(Event):
    """A task was handed to an agency (转介); the agency's inbox holds it as pending until accepted."""

    TYPE = "referral.created.v1"

    referral_id: str
    case_id: str
    child_id: str
    agency: Agency
    task: str
    role: Role
    priority: Priority
    emergency: bool
    categories: list[Category]
    district: DistrictCode
    area: Area
    rule_version: str
    reason: ReferralReason
    replaces_referral_id: str | None = None
    created_at: AwareDatetime


class AssignedReferral(BaseModel):
    """One task of an assignment: a referral of the case to the assignment's agency."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    referral_id: str
    task: str
    role: Role
    emergency: bool
    replaces_referral_id: str | None = None


class AssignedDeadline(BaseModel):
    """A deadline routing started for one of the assignment's referrals (`sla.v1.json`), so the agency
    shows it without deriving it again."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    clock: str
    subject_id: str = Field(description="The referral the clock is about")
    started_at: AwareDatetime
    due_at: AwareDatetime
    policy_version: str


class ReferralsAssigned(Event):
    """Tasks of a case were handed to one agency (转介) at once: one event per case and agency, carrying
    each referral (pending in the agency's inbox until accepted) and the deadlines they start."""

    TYPE = "referrals.assigned.v1"

    case_id: str
    child_id: str
    agency: Agency
    priority: Priority
    categories: list[Category]
    district: DistrictCode
    area: Area
    rule_version: str
    reason: ReferralReason
    referrals: list[AssignedReferral] = Field(min_length=1)
    deadlines: list[AssignedDeadline] = Field(default_factory=list)
    assigned_at: AwareDatetime

    def each_referral(self) -> list[ReferralCreated]:
        """Its referrals one by one, as `referral.created.v1` says each (the case's fields copied): for
        readers of the older type, such as a webhook subscribed to `referral.created` only."""
        case = self.model_dump(exclude={"referrals", "deadlines", "assigned_at"})
        return [
            ReferralCreated(**case, **referral.model_dump(), created_at=self.assigned_at)
            for referral in self.referrals
        ]


class CasePriorityRaised(Event):
    """New information raised the case's priority; running deadlines are recomputed."""

    TYPE = "case.priority_raised.v1"

    case_id: str
    previous_priority: Priority
    priority: Priority
    reason: str
    raised_at: AwareDatetime


class ReferralEscalated(Event):
    """A referral no agency would take went to the joint meeting office (联席会议办公室)."""

    TYPE = "referral.escalated.v1"

    referral_id: str
    case_id: str
    agency: Agency
    to: Literal["joint_meeting_office"] = "joint_meeting_office"
    reason: str
    escalated_at: AwareDatetime


class ReferralWithdrawn(Event):
    """The referral was withdrawn (cancelled) by its task's lead agency or by routing's supervision: the
    agency it was addressed to stops work on it, and its deadlines are cancelled."""

    TYPE = "referral.withdrawn.v1"

    referral_id: str
    case_id: str
    agency: Agency = Field(description="The agency the referral was addressed to (who is told)")
    task: str
    role: Role
    reason: str = Field(min_length=1, max_length=500, description="Why it is withdrawn (free text)")
    withdrawn_by: str = Field(description="The withdrawing agency, or the supervising body")
    withdrawn_at: AwareDatetime


class LeadTransferRequested(Event):
    """The lead agency of a task asks another agency to take the lead (牵头) over; the agency named in
    `agency` must accept or refuse before anything changes."""

    TYPE = "lead.transfer_requested.v1"

    transfer_id: str
    case_id: str
    referral_id: str = Field(description="The lead referral whose task is offered")
    task: str
    agency: Agency = Field(description="The agency asked to take the lead (who is told)")
    from_agency: Agency
    reason: str = Field(min_length=1, max_length=500, description="Why (free text)")
    requested_at: AwareDatetime


class LeadTransferAccepted(Event):
    """The receiving agency took the lead over: it gets a new lead referral for the task and the former
    lead's referral is withdrawn."""

    TYPE = "lead.transfer_accepted.v1"

    transfer_id: str
    case_id: str
    referral_id: str = Field(description="The former lead referral (now withdrawn)")
    task: str
    agency: Agency = Field(description="The former lead (who is told)")
    to_agency: Agency
    new_referral_id: str = Field(description="The new lead referral of the receiving agency")
    accepted_at: AwareDatetime


class LeadTransferRefused(Event):
    """The receiving agency refused the lead; the former lead keeps it."""

    TYPE = "lead.transfer_refused.v1"

    transfer_id: str
    case_id: str
    referral_id: str
    task: str
    agency: Agency = Field(description="The lead that asked (who is told)")
    to_agency: Agency
    reason: str = Field(min_length=1, max_length=500, description="Why (free text)")
    refused_at: AwareDatetime


class _SlaAlert(Event):
    case_id: str
    agency: str
    clock: str
    subject_id: str = Field(description="The referral or case the clock is about")
    started_at: AwareDatetime
    due_at: AwareDatetime
    policy_version: str


class SlaWarning(_SlaAlert):
    """A deadline is close: 50% or 75% of its time has passed."""

    TYPE = "sla.warning.v1"

    threshold: float = Field(gt=0, lt=1)
    fired_at: AwareDatetime


class SlaBreached(_SlaAlert):
    """A deadline passed without its stop event; the agency's supervisor is alerted."""

    TYPE = "sla.breached.v1"

    late_by_seconds: float = Field(ge=0)
    notify: str = Field(description="Who is alerted, e.g. police.supervisor")
    fired_at: AwareDatetime


class SlaEscalated(_SlaAlert):
    """A breach stayed open as long again: it goes up the escalation chain."""

    TYPE = "sla.escalated.v1"

    late_by_seconds: float = Field(ge=0)
    level: str = Field(description="e.g. joint_meeting_office")
    fired_at: AwareDatetime


AGENCIES = ("police", "health", "education", "civil_affairs")
CATALOGUE.register(CaseOpened, publishers=("routing",), consumers=())
CATALOGUE.register(ReferralCreated, publishers=("routing",), consumers=AGENCIES)
CATALOGUE.register(ReferralsAssigned, publishers=("routing",), consumers=AGENCIES)
# Addressed to every agency with a referral on the case (notifications keeps which those are).
CATALOGUE.register(CasePriorityRaised, publishers=("routing",), consumers=(*AGENCIES, "notifications"))
CATALOGUE.register(ReferralWithdrawn, publishers=("routing",), consumers=AGENCIES)
# Addressed (`agency`) for push delivery; no service acts on them: the referrals they cause carry the effect.
for _transfer in (LeadTransferRequested, LeadTransferAccepted, LeadTransferRefused):
    CATALOGUE.register(_transfer, publishers=("routing",), consumers=())
CATALOGUE.register(ReferralEscalated, publishers=("routing",), consumers=("civil_affairs",))
# Alerts are pushed to the agency's systems (notifications); an agency's deadline view is routing's own
# clocks, so no agency service keeps them. The joint meeting office (hosted by civil affairs) queues
# the escalations that reach it.
CATALOGUE.register(SlaWarning, publishers=("routing",), consumers=())
CATALOGUE.register(SlaBreached, publishers=("routing",), consumers=())
CATALOGUE.register(SlaEscalated, publishers=("routing",), consumers=("civil_affairs",))
