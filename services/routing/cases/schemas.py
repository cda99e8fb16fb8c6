"""What the case API answers: the case view for agencies and the list for the joint meeting office."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from services.routing.cases.models import CaseStatus, ReferralStatus
from services.routing.deadlines.queries import ClockView
from services.routing.triage import Agency, Priority


class ChildView(BaseModel):
    """All routing knows of the child: identities stay in intake."""

    child_id: str = Field(description="Intake's pseudonymous id of the child's file")
    display_name: str = Field(description="Masked, e.g. 张**")
    gender: str = Field(description="female, male or unknown")
    age_years: int | None = Field(description="Age in completed years when reported; null when unknown")


class PriorityChangeView(BaseModel):
    priority: Priority = Field(description="The priority from this change on")
    previous_priority: Priority | None = Field(description="The priority before; null when the case opened")
    cause: str = Field(description="triage, new_report, police_outcome or health_finding")
    reasons: list[str] = Field(description="Ids of the rules that gave the priority, or the fixed reason")
    rule_version: str = Field(description="The routing rules version applied, e.g. routing.v1")
    event_id: str = Field(description="The event that caused the change")
    changed_at: datetime = Field(description="When the priority changed")


class ReportView(BaseModel):
    report_id: str = Field(description="Intake's id of the report")
    new_case: bool = Field(description="Whether this report opened the case")
    corroborates_report_id: str | None = Field(description="The earlier report this one corroborates, if any")
    categories: list[str] = Field(description="What the report says the child faces, e.g. abuse, dropout")
    received_at: datetime = Field(description="When intake received the report")


class ReferralView(BaseModel):
    referral_id: str = Field(description="The referral's id")
    agency: Agency = Field(description="The agency the referral (转介) is addressed to")
    task: str = Field(description="The task handed over, e.g. emergency_response, assessment_and_assistance")
    role: str = Field(description="lead (牵头, answerable) or responsible (责任, contributes)")
    status: ReferralStatus = Field(description="pending, accepted, declined, completed or escalated")
    priority: Priority = Field(
        description="The case's priority when the referral was made, raised with the case's while it is open"
    )
    emergency: bool = Field(
        description="A first-moment referral, accepted on the spot by dispatch or admission",
    )
    rule_version: str = Field(description="The routing rules version that made the referral")
    reason: str = Field(description="Why the referral was made: the rule, or the referral it replaces")
    replaces_referral_id: str | None = Field(
        description="The declined referral whose work this one takes over",
    )
    created_at: datetime = Field(
        description="When routing made it: the `referral.acceptance` deadline starts",
    )
    accepted_at: datetime | None = Field(description="When the agency accepted it (受理)")
    declined_at: datetime | None = Field(description="When the agency declined it (退回)")
    completed_at: datetime | None = Field(description="When the agency completed it (办结)")
    escalated_at: datetime | None = Field(
        description="When it went to the joint meeting office: declined beyond the lead, or a deadline of it "
        "still open at twice its target"
    )
    escalation_reason: str | None = Field(description="Why it was escalated")
    decline_reason_code: str | None = Field(
        default=None, description="The listed code of a decline (contracts/policies/decline_reasons.v1.json)"
    )
    held_at: datetime | None = Field(default=None, description="When the agency put it on hold (on_hold)")
    withdrawn_at: datetime | None = Field(default=None, description="When it was withdrawn")
    withdrawn_by: str | None = Field(
        default=None, description="The task's lead agency, or `<agency>.supervisor`"
    )


class NoteView(BaseModel):
    """An agency's interim progress note, for the case's lead."""

    note_id: str = Field(description="The note's id")
    referral_id: str = Field(description="The referral it is about")
    agency: Agency = Field(description="The agency that posted it")
    note: str = Field(description="Free text written by the agency")
    author: str | None = Field(description="Who wrote it, as given")
    noted_at: datetime = Field(description="When it was posted")


class LeadView(BaseModel):
    """Who leads (牵头) one task of the case now: the agency of its open lead referral."""

    task: str = Field(description="The task, e.g. emergency_response")
    agency: Agency = Field(description="The agency leading it now")
    referral_id: str = Field(description="Its open lead referral")


class LeadTransferView(BaseModel):
    """A transfer of a task's lead (牵头) from one agency to another, effective once accepted."""

    transfer_id: str = Field(description="The transfer's id")
    referral_id: str = Field(description="The lead referral offered")
    task: str = Field(description="The task whose lead moves")
    from_agency: Agency = Field(description="The lead asking to hand it over")
    to_agency: Agency = Field(description="The agency asked to take the lead")
    status: str = Field(description="requested (pending: waiting for to_agency), accepted or refused")
    requested_at: datetime = Field(description="When the lead asked")
    decided_at: datetime | None = Field(description="When the agency asked accepted or refused")
    new_referral_id: str | None = Field(description="The lead referral made for to_agency on acceptance")


class TimelineEntryView(BaseModel):
    event_id: str = Field(description="The event's id (CloudEvents `id`)")
    type: str = Field(description="The event type, e.g. police.dispatched.v1")
    time: datetime = Field(description="When the event was published")
    occurred_at: datetime | None = Field(description="When it happened in the world")
    source: str = Field(description="The service that published it")
    referral_id: str | None = Field(description="The referral it is about, if any")
    summary: str = Field(description="What happened, in words; ids and codes only, never personal data")


class CaseView(BaseModel):
    case_id: str = Field(description="The case's id (个案)")
    status: CaseStatus = Field(description="open, under_monitoring or closed")
    priority: Priority = Field(
        description="P1 immediate danger, P2 harm done but now safe, P3 need; only rises",
    )
    priority_reasons: list[str] = Field(description="Ids of the rules behind the current priority")
    priority_history: list[PriorityChangeView] = Field(description="Every grading and raise, oldest first")
    rule_version: str = Field(description="The rules version that opened the case")
    child: ChildView = Field(description="The child, masked")
    categories: list[str] = Field(description="Every category the case's reports name")
    district: str = Field(description="6-digit administrative code where the incident happened")
    area: str = Field(description="urban, suburban or rural")
    opened_at: datetime = Field(description="When the first report opened the case")
    updated_at: datetime = Field(description="When anything about the case last changed")
    reports: list[ReportView] = Field(description="The reports of the case, oldest first")
    referrals: list[ReferralView] = Field(description="Every referral of the case, to any agency")
    timeline: list[TimelineEntryView] = Field(description="Every event of the case, in order")
    notes: list[NoteView] = Field(default_factory=list, description="Agencies' progress notes, oldest first")
    leads: list[LeadView] = Field(default_factory=list, description="The lead agency of each task")
    lead_transfers: list[LeadTransferView] = Field(
        default_factory=list, description="Transfers of a lead, oldest first; `requested` ones are pending"
    )
    # SLA hook: filled by services/routing/deadlines (the lead's package); routing's case view leaves
    # it empty until then.
    sla_clocks: list[ClockView] = Field(default_factory=list, description="Every deadline clock of the case")


class CaseSummary(BaseModel):
    case_id: str = Field(description="The case's id (个案)")
    status: CaseStatus = Field(description="open, under_monitoring or closed")
    priority: Priority = Field(description="P1, P2 or P3")
    child_display_name: str = Field(description="The child's masked name, e.g. 张**")
    categories: list[str] = Field(description="Every category the case's reports name")
    district: str = Field(description="6-digit administrative code where the incident happened")
    area: str = Field(description="urban, suburban or rural")
    agencies: list[Agency] = Field(description="Agencies holding a referral for the case")
    open_referrals: int = Field(description="Referrals pending or accepted")
    escalated_referrals: int = Field(description="Referrals escalated to the joint meeting office")
    opened_at: datetime = Field(description="When the first report opened the case")
    updated_at: datetime = Field(description="When anything about the case last changed")
