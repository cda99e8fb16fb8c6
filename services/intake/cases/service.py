"""Linking a report to an open case or opening one; closing cases; recording reporter feedback."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.cases.corroboration import CaseFacts, corroborated_case
from services.intake.cases.models import IntakeCase, ReporterFeedback
from services.intake.reports.models import Report, ReporterContact


class UnknownCase(LookupError):
    """Intake holds no case with this id."""


@dataclass(frozen=True)
class CaseLink:
    case_id: str
    corroborates_report_id: str | None

    @property
    def new_case(self) -> bool:
        return self.corroborates_report_id is None


async def link_or_open_case(
    *,
    session: AsyncSession,
    child_id: str,
    report_id: str,
    categories: Sequence[str],
    occurred_at: datetime,
    at: datetime,
    new_file: bool = False,
) -> CaseLink:
    """Join the child's open case for the same incident, or open a new one; the caller locks the child.

    A file opened in this transaction has no case yet: nothing is looked up for it."""
    open_cases = (
        []
        if new_file
        else (
            await session.scalars(
                select(IntakeCase).where(IntakeCase.child_id == child_id, IntakeCase.closed_at.is_(None))
            )
        ).all()
    )
    facts = {c.case_id: _facts(c) for c in open_cases}
    joined = corroborated_case(facts.values(), categories=categories, occurred_at=occurred_at)
    if joined is not None:
        case = next(c for c in open_cases if c.case_id == joined.case_id)
        case.categories = sorted(set(case.categories) | set(categories))
        await session.flush()
        return CaseLink(case_id=case.case_id, corroborates_report_id=case.first_report_id)
    opened = IntakeCase(
        case_id=str(uuid.uuid4()),
        child_id=child_id,
        first_report_id=report_id,
        categories=sorted(set(categories)),
        incident_occurred_at=occurred_at,
        opened_at=at,
    )
    session.add(opened)
    await session.flush()
    return CaseLink(case_id=opened.case_id, corroborates_report_id=None)


async def close_case(*, session: AsyncSession, case_id: str, outcome: str, closed_at: datetime) -> None:
    """Mark a case closed, so a later report about the child opens a new case; closing twice is a no-op."""
    case = await session.get(IntakeCase, case_id, with_for_update=True)
    if case is None:
        raise UnknownCase(case_id)
    if case.closed_at is None:
        case.closed_at = closed_at
        case.closing_outcome = outcome
        await session.flush()


async def start_monitoring(*, session: AsyncSession, case_id: str, started_at: datetime) -> None:
    """Mark a case under monitoring (the child director visits monthly); a repeat changes nothing."""
    case = await session.get(IntakeCase, case_id, with_for_update=True)
    if case is None:
        raise UnknownCase(case_id)
    if case.monitoring_started_at is None:
        case.monitoring_started_at = started_at
        await session.flush()


def case_status(case: IntakeCase | None) -> str:
    """The case's status as routing keeps it: open, under_monitoring, then closed."""
    if case is not None and case.closed_at is not None:
        return "closed"
    if case is not None and case.monitoring_started_at is not None:
        return "under_monitoring"
    return "open"


async def record_reporter_feedback(
    *,
    session: AsyncSession,
    case_id: str,
    referral_id: str,
    message: str,
    informed_at: datetime,
    source_event_id: str,
    at: datetime,
) -> list[str]:
    """Record what each report's reporter is to be told; return the ids of the reports of the case."""
    if await session.get(IntakeCase, case_id) is None:
        raise UnknownCase(case_id)
    rows = (
        await session.execute(
            select(Report.report_id, ReporterContact.wants_feedback)
            .outerjoin(ReporterContact, ReporterContact.report_id == Report.report_id)
            .where(Report.case_id == case_id)
            .order_by(Report.received_at, Report.report_id)
        )
    ).all()
    if rows:
        await session.execute(
            pg_insert(ReporterFeedback)
            .values(
                [
                    {
                        "report_id": report_id,
                        "case_id": case_id,
                        "referral_id": referral_id,
                        "message": message,
                        "delivery": _delivery(wants_feedback),
                        "informed_at": informed_at,
                        "recorded_at": at,
                        "source_event_id": source_event_id,
                    }
                    for report_id, wants_feedback in rows
                ]
            )
            .on_conflict_do_nothing(constraint="reporter_feedback_once")
        )
    return [report_id for report_id, _ in rows]


def _delivery(wants_feedback: bool | None) -> str:
    if wants_feedback is None:
        return "no_contact"
    return "pending" if wants_feedback else "not_requested"


def _facts(case: IntakeCase) -> CaseFacts:
    return CaseFacts(
        case_id=case.case_id,
        first_report_id=case.first_report_id,
        categories=frozenset(case.categories),
        incident_occurred_at=case.incident_occurred_at,
        opened_at=case.opened_at,
        closed=case.closed_at is not None,
    )
