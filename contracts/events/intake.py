"""Events published by intake (the 12355 hotline and mandatory reporters' window)."""

from __future__ import annotations

from pydantic import AwareDatetime, Field

from contracts.catalogue import CATALOGUE
from contracts.envelope import Event


class ReportReceived(Event):
    """A mandatory report or hotline call was accepted; it carries what triage needs, no identities."""

    TYPE = "report.received.v1"

    report_id: str
    case_id: str
    child_id: str = Field(description="Intake's pseudonymous id of the child's file (一人一档)")
    source: str
    categories: list[str]
    immediate_danger: bool
    injured: bool
    occurred_at: AwareDatetime
    received_at: AwareDatetime
    district: str = Field(pattern=r"^\d{6}$", description="Administrative code of the incident's location")
    area: str
    child_age_years: int | None = None
    child_birth_year: int | None = None
    corroborates_report_id: str | None = Field(
        default=None, description="Set when this report is a second report of an incident already open"
    )


CATALOGUE.register(ReportReceived, publisher="intake", consumers=("routing",))
