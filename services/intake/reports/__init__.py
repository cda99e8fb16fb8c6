"""Intake reports: the v1 report body and the resident-ID rules it is checked against."""

from services.intake.reports.schemas import (
    Area,
    Child,
    ChildCategory,
    Gender,
    Incident,
    IncidentLocation,
    OffenderRelation,
    Reporter,
    ReportSource,
    ReportSubmission,
)

__all__ = [
    "Area",
    "Child",
    "ChildCategory",
    "Gender",
    "Incident",
    "IncidentLocation",
    "OffenderRelation",
    "ReportSource",
    "ReportSubmission",
    "Reporter",
]
