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
    gender: str
    age_years: int | None


class PriorityChangeView(BaseModel):
    priority: Priority
    previous_priority: Priority | None
    cause: str = Field(description="triage, new_report, police_outcome or health_finding")
    reasons: list[str] = Field(description="Ids of the rules that gave the priority, or the fixed reason")
    rule_version: str
    event_id: str = Field(description="The event that caused the change")
    changed_at: datetime


class ReportView(BaseModel):
    report_id: str
    new_case: bool = Field(description="Whether this report opened the case")
    corroborates_report_id: str | None
    categories: list[str]
    received_at: datetime


class ReferralView(BaseModel):
    referral_id: str
    agency: Agency
    task: str
    role: str
    status: ReferralStatus
    priority: Priority = Field(
        description="The case's priority when the referral was made, raised with the case's while it is open"
    )
    emergency: bool
    rule_version: str = Field(description="The routing rules version that made the referral")
    reason: str
    replaces_referral_id: str | None
    created_at: datetime
    accepted_at: datetime | None
    declined_at: datetime | None
    completed_at: datetime | None
    escalated_at: datetime | None = Field(
        description="When it went to the joint meeting office: declined beyond the lead, or a deadline of it "
        "still open at twice its target"
    )
    escalation_reason: str | None


class TimelineEntryView(BaseModel):
    event_id: str
    type: str
    time: datetime = Field(description="When the event was published")
    occurred_at: datetime | None = Field(description="When it happened in the world")
    source: str
    referral_id: str | None
    summary: str


class CaseView(BaseModel):
    case_id: str
    status: CaseStatus
    priority: Priority
    priority_reasons: list[str]
    priority_history: list[PriorityChangeView]
    rule_version: str = Field(description="The rules version that opened the case")
    child: ChildView
    categories: list[str]
    district: str
    area: str
    opened_at: datetime
    updated_at: datetime
    reports: list[ReportView]
    referrals: list[ReferralView]
    timeline: list[TimelineEntryView]
    # SLA hook: filled by services/routing/deadlines (the lead's package); routing's case view leaves
    # it empty until then.
    sla_clocks: list[ClockView] = Field(default_factory=list, description="Every deadline clock of the case")


class CaseSummary(BaseModel):
    case_id: str
    status: CaseStatus
    priority: Priority
    child_display_name: str
    categories: list[str]
    district: str
    area: str
    agencies: list[Agency] = Field(description="Agencies holding a referral for the case")
    open_referrals: int = Field(description="Referrals pending or accepted")
    escalated_referrals: int
    opened_at: datetime
    updated_at: datetime
