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
    child_id: str = Field(description="Intake's pseudonymous id of the child's file (一人一档)")
    display_name: str = Field(description="The name masked, e.g. 王**; 姓名不详 when unknown")
    gender: str = Field(description="female, male or unknown")
    age_years: int | None = Field(description="Age in completed years today, or the reporter's estimate")
    id_number: str | None = Field(description="The resident ID masked, e.g. 990101********0016")
    district: str = Field(description="6-digit administrative code of the child's residence")


class MaskedReporter(BaseModel):
    display_name: str = Field(description="The reporter's name masked")
    organization: str | None = Field(description="The reporting school, hospital, committee or institution")
    phone: str = Field(description="The phone masked, e.g. 138****0000")
    wants_feedback: bool = Field(description="Whether the reporter asked to be told the outcome")


class IncidentView(BaseModel):
    categories: list[str] = Field(description="What the child faces, as reported")
    description: str = Field(description="What the reporter said happened")
    occurred_at: datetime = Field(description="When it happened")
    district: str = Field(description="6-digit administrative code where it happened")
    area: str = Field(description="urban, suburban or rural")
    immediate_danger: bool = Field(description="Whether the child was in danger at the time of the report")
    injured: bool = Field(description="Whether the child was injured")
    suspected_offender_relation: str | None = Field(description="Who is suspected, by relation to the child")


class FeedbackView(BaseModel):
    message: str = Field(description="What civil affairs decided the reporter is told of the outcome")
    informed_at: datetime = Field(description="When civil affairs decided it")
    delivery: str = Field(description="pending (to tell), not_requested or no_contact")


class ReportView(BaseModel):
    report_id: str = Field(description="The report's id")
    case_id: str = Field(description="The case (个案) the report belongs to")
    case_status: str = Field(description="open, under_monitoring or closed")
    corroborates_report_id: str | None = Field(description="The earlier report of the same case, if any")
    source: str = Field(description="Who reported: hotline_12355, school, hospital, police, public, ...")
    received_at: datetime = Field(description="When intake received it")
    child: MaskedChild = Field(description="The child, masked")
    reporter: MaskedReporter | None = Field(description="The reporter, masked; null for a police detention")
    incident: IncidentView = Field(description="What was reported")
    feedback: list[FeedbackView] = Field(description="What the reporter is told of the outcome, oldest first")


class ReportSummary(BaseModel):
    report_id: str = Field(description="The report's id")
    case_id: str = Field(description="The case it belongs to")
    source: str = Field(description="Who reported")
    categories: list[str] = Field(description="What the child faces, as reported")
    received_at: datetime = Field(description="When intake received it")
    corroborates_report_id: str | None = Field(description="The earlier report of the same case, if any")


class CaseSummary(BaseModel):
    case_id: str = Field(description="The case (个案)")
    status: str = Field(description="open, under_monitoring or closed")
    categories: list[str] = Field(description="Every category its reports name")
    incident_occurred_at: datetime = Field(description="When the first report's incident happened")
    opened_at: datetime = Field(description="When the case was opened")
    closed_at: datetime | None = Field(description="When civil affairs closed it")
    report_ids: list[str] = Field(description="The child's reports in this case")


class ChildFileView(BaseModel):
    child: MaskedChild = Field(description="The child, masked")
    reports: Page[ReportSummary] = Field(description="The reports about the child, oldest first, paged")
    cases: Page[CaseSummary] = Field(description="The child's cases, oldest first, paged")


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
