"""Reports and children's files as intake shows them: personal data masked (backbone.privacy)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backbone.clock import utcnow
from backbone.privacy import mask_id_number, mask_name, mask_phone
from backbone.sealing import KeyRing
from backbone.web.paging import Page, PageRequest, fetch_page
from services.intake.cases.models import IntakeCase, ReporterFeedback
from services.intake.cases.service import case_status
from services.intake.children.matching import age_on
from services.intake.children.models import ChildFile
from services.intake.personal_data import OpenChild, identity_of, open_all, open_child, opened
from services.intake.reports.models import Report, ReporterContact
from services.intake.reports.schemas import CHINA_TIME
from services.intake.reports.service import UNNAMED_CHILD


class MaskedChild(BaseModel):
    child_id: str
    display_name: str
    gender: str
    age_years: int | None
    id_number: str | None
    district: str


class MaskedReporter(BaseModel):
    display_name: str
    organization: str | None
    phone: str
    wants_feedback: bool


class IncidentView(BaseModel):
    categories: list[str]
    description: str
    occurred_at: datetime
    district: str
    area: str
    immediate_danger: bool
    injured: bool
    suspected_offender_relation: str | None


class FeedbackView(BaseModel):
    message: str
    informed_at: datetime
    delivery: str


class ReportView(BaseModel):
    report_id: str
    case_id: str
    case_status: str
    corroborates_report_id: str | None
    source: str
    received_at: datetime
    child: MaskedChild
    reporter: MaskedReporter | None
    incident: IncidentView
    feedback: list[FeedbackView]


class ReportSummary(BaseModel):
    report_id: str
    case_id: str
    source: str
    categories: list[str]
    received_at: datetime
    corroborates_report_id: str | None


class CaseSummary(BaseModel):
    case_id: str
    status: str
    categories: list[str]
    incident_occurred_at: datetime
    opened_at: datetime
    closed_at: datetime | None
    report_ids: list[str]


class ChildFileView(BaseModel):
    child: MaskedChild
    reports: Page[ReportSummary] = Field(description="The file's reports, oldest first, paged")
    cases: Page[CaseSummary] = Field(description="The file's cases, oldest first, paged")


async def report_view(*, session: AsyncSession, ring: KeyRing, report_id: str) -> ReportView | None:
    """A report with its child's and reporter's personal data masked, or None when unknown."""
    report = await session.get(Report, report_id)
    if report is None:
        return None
    child = await session.get(ChildFile, report.child_id)
    case = await session.get(IntakeCase, report.case_id)
    contact = await session.get(ReporterContact, report_id)
    feedback = (
        await session.scalars(
            select(ReporterFeedback)
            .where(ReporterFeedback.report_id == report_id)
            .order_by(ReporterFeedback.informed_at, ReporterFeedback.feedback_id)
        )
    ).all()
    return ReportView(
        report_id=report.report_id,
        case_id=report.case_id,
        case_status=case_status(case),
        corroborates_report_id=report.corroborates_report_id,
        source=report.source,
        received_at=report.received_at,
        child=masked_child(open_child(ring, child), estimate=report.child_age_years),
        reporter=_masked_reporter(ring, contact) if contact else None,
        incident=IncidentView(
            categories=report.categories,
            description=opened(ring, report, "description") or "",
            occurred_at=report.occurred_at,
            district=report.location_district,
            area=report.area,
            immediate_danger=report.immediate_danger,
            injured=report.injured,
            suspected_offender_relation=report.suspected_offender_relation,
        ),
        feedback=[
            FeedbackView(message=f.message, informed_at=f.informed_at, delivery=f.delivery) for f in feedback
        ],
    )


async def child_file_view(
    *, session: AsyncSession, ring: KeyRing, child_id: str, page: PageRequest
) -> ChildFileView | None:
    """A child's file: the child masked, a page of its reports and of its cases, or None when unknown."""
    child = await session.get(ChildFile, child_id)
    if child is None:
        return None
    reports, reports_total = await fetch_page(
        session,
        select(Report).where(Report.child_id == child_id).order_by(Report.received_at, Report.report_id),
        page,
    )
    cases, cases_total = await fetch_page(
        session,
        select(IntakeCase)
        .where(IntakeCase.child_id == child_id)
        .order_by(IntakeCase.opened_at, IntakeCase.case_id),
        page,
    )
    reports_of_cases = (
        await session.execute(
            select(Report.case_id, Report.report_id)
            .where(Report.case_id.in_([c.case_id for c in cases]))
            .order_by(Report.received_at, Report.report_id)
        )
    ).all()
    latest_estimate = await session.scalar(
        select(Report.child_age_years)
        .where(Report.child_id == child_id)
        .order_by(Report.received_at.desc(), Report.report_id.desc())
        .limit(1)
    )
    return ChildFileView(
        child=masked_child(open_child(ring, child), estimate=latest_estimate),
        reports=Page[ReportSummary].of(
            [ReportSummary.model_validate(r, from_attributes=True) for r in reports],
            total=reports_total,
            page=page,
        ),
        cases=Page[CaseSummary].of(
            [
                CaseSummary(
                    case_id=c.case_id,
                    status=case_status(c),
                    categories=c.categories,
                    incident_occurred_at=c.incident_occurred_at,
                    opened_at=c.opened_at,
                    closed_at=c.closed_at,
                    report_ids=[report_id for case_id, report_id in reports_of_cases if case_id == c.case_id],
                )
                for c in cases
            ],
            total=cases_total,
            page=page,
        ),
    )


def masked_child(child: OpenChild, *, estimate: int | None) -> MaskedChild:
    """The child as shown outside the file: masked name and ID, age instead of birth date."""
    identity = identity_of(child)
    return MaskedChild(
        child_id=child.child_id,
        display_name=mask_name(child.name) if child.name else UNNAMED_CHILD,
        gender=child.gender,
        age_years=age_on(identity, estimate=estimate, on=utcnow().astimezone(CHINA_TIME).date()),
        id_number=mask_id_number(child.id_number) if child.id_number else None,
        district=child.district,
    )


def _masked_reporter(ring: KeyRing, contact: ReporterContact) -> MaskedReporter:
    reporter = open_all(ring, contact)
    return MaskedReporter(
        display_name=mask_name(reporter["name"]),
        organization=reporter["organization"],
        phone=mask_phone(reporter["phone"]),
        wants_feedback=contact.wants_feedback,
    )
