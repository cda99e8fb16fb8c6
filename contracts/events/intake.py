"""Events published by intake (the 12355 hotline and the mandatory reporters' window)."""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from contracts.catalogue import CATALOGUE
from contracts.envelope import Event
from contracts.events.common import Area, Category, DistrictCode, Gender


class ReportReceived(Event):
    """A report was accepted. It carries what triage and the case view need; identities stay in intake."""

    TYPE = "report.received.v1"

    report_id: str
    case_id: str
    child_id: str = Field(description="Intake's pseudonymous id of the child's file (一人一档)")
    child_display_name: str = Field(description="Masked name for case views, e.g. 张**")
    child_gender: Gender
    child_age_years: int | None = Field(default=None, ge=0, le=17)
    source: str
    categories: list[Category] = Field(min_length=1)
    immediate_danger: bool
    injured: bool
    occurred_at: AwareDatetime
    received_at: AwareDatetime
    district: DistrictCode
    area: Area
    corroborates_report_id: str | None = Field(
        default=None, description="Set when this is a second report of an incident whose case is open"
    )
    new_case: bool = Field(description="False when the report joined an open case")


class ReporterFeedbackRecorded(Event):
    """Intake told the reporter the outcome (it alone holds the reporter's contact)."""

    TYPE = "intake.reporter_feedback_recorded.v1"

    case_id: str
    report_ids: list[str]
    recorded_at: AwareDatetime


class DetentionChildReport(BaseModel):
    """One child of a detention, reported: ids only."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    report_id: str
    case_id: str
    child_id: str
    new_case: bool


class DetentionChildrenReported(Event):
    """Intake received a detained person's children without care from the police, one report each.

    Replaces police.children_without_care_found.v1, which carried the children's names and resident IDs
    through police's outbox and the broker: the police now give the children to intake directly and
    learn only these ids.
    """

    TYPE = "intake.detention_children_reported.v1"

    detention_id: str
    detention_reference: str
    district: DistrictCode
    area: Area
    found_at: AwareDatetime
    received_at: AwareDatetime
    case_ids: list[str] = Field(min_length=1, description="The case of each child, in the order given")
    reports: list[DetentionChildReport] = Field(min_length=1)


# Civil affairs observes reports for the reporter-feedback deadline it owns.
CATALOGUE.register(ReportReceived, publishers=("intake",), consumers=("routing",))
CATALOGUE.register(ReporterFeedbackRecorded, publishers=("intake",), consumers=("routing",))
CATALOGUE.register(DetentionChildrenReported, publishers=("intake",), consumers=("police",))
