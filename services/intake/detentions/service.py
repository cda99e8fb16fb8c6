"""Receiving a detention's children without care: one police report per child, ids back to the police."""

from __future__ import annotations

import dataclasses
import logging
import uuid
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select

from backbone.auth.policy import EVERYTHING, ResourceFacts, Visibility
from backbone.clock import utcnow
from backbone.db import insert_ignoring_conflict
from backbone.uow import UnitOfWork
from contracts.events.intake import DetentionChildrenReported, DetentionChildReport
from contracts.events.police import ChildWithoutCare
from services.intake.detentions.models import IntakeDetention
from services.intake.detentions.schemas import DetentionChildView, DetentionSubmission, DetentionView
from services.intake.reports.models import Report
from services.intake.reports.police import police_report
from services.intake.reports.service import InvalidReport, problems_of, receive_report

log = logging.getLogger(__name__)


class DetentionAlreadyReported(Exception):
    """The children of this detention reference were already received; `detention_id` says where."""

    def __init__(self, detention_id: str) -> None:
        super().__init__("the children of this detention were already reported")
        self.detention_id = detention_id


def validate_detention(*, body: Any) -> DetentionSubmission:
    """The body as a detention, checked against the intake clock, or InvalidReport."""
    try:
        return DetentionSubmission.model_validate(body, context={"now": utcnow()})
    except ValidationError as error:
        raise InvalidReport(problems_of(error.errors())) from None


class OutsideDistrict(PermissionError):
    """The detention happened outside the reporting police's districts: 403."""


async def receive_detention(
    *, uow: UnitOfWork, body: Any, submitted_by: str, visibility: Visibility = EVERYTHING
) -> DetentionView:
    """Record the detention once per reference, report each child, announce the ids to the police."""
    submission = validate_detention(body=body)
    if not visibility.allows(ResourceFacts(district=submission.district)):
        raise OutsideDistrict("this detention's district is outside the caller's districts")
    now = utcnow()
    detention = IntakeDetention(
        detention_id=str(uuid.uuid4()),
        detention_reference=submission.detention_reference,
        district=submission.district,
        area=submission.area.value,
        found_at=submission.found_at or now,
        received_at=now,
    )
    stored = await insert_ignoring_conflict(
        uow.session,
        IntakeDetention.__table__,  # type: ignore[attr-defined]
        detention.model_dump(),
        conflict="(detention_reference)",
        returning="detention_id",
    )
    if stored is None:
        earlier = await uow.session.scalar(
            select(IntakeDetention.detention_id).where(
                IntakeDetention.detention_reference == submission.detention_reference
            )
        )
        raise DetentionAlreadyReported(earlier)
    children = []
    for child in submission.children:
        report = police_report(detention, ChildWithoutCare(**child.model_dump()), event_id=None, now=now)
        received = await receive_report(
            uow=uow,
            report=dataclasses.replace(report, detention_id=detention.detention_id),
            submitted_by=submitted_by,
        )
        children.append(
            DetentionChildView(
                report_id=received.report_id,
                case_id=received.case_id,
                child_id=received.child_id,
                new_case=received.new_case,
            )
        )
    uow.emit(
        DetentionChildrenReported(
            detention_id=detention.detention_id,
            detention_reference=detention.detention_reference,
            district=submission.district,
            area=submission.area,
            found_at=detention.found_at,
            received_at=now,
            case_ids=[c.case_id for c in children],
            reports=[DetentionChildReport(**c.model_dump()) for c in children],
        ),
        subject=detention.detention_id,
    )
    counts = {"detention_id": detention.detention_id, "children": len(children)}
    log.info("detention children reported", extra=counts)
    return _view(detention, children)


async def detention_view(*, uow: UnitOfWork, detention_id: str) -> DetentionView | None:
    """The detention and the reports made of its children, or None when unknown."""
    detention = await uow.session.get(IntakeDetention, detention_id)
    if detention is None:
        return None
    reports = (
        await uow.session.scalars(
            select(Report)
            .where(Report.detention_id == detention_id)
            .order_by(Report.received_at, Report.report_id)
        )
    ).all()
    return _view(
        detention,
        [
            DetentionChildView(
                report_id=r.report_id,
                case_id=r.case_id,
                child_id=r.child_id,
                new_case=r.corroborates_report_id is None,
            )
            for r in reports
        ],
    )


def _view(detention: IntakeDetention, children: list[DetentionChildView]) -> DetentionView:
    return DetentionView(
        detention_id=detention.detention_id,
        detention_reference=detention.detention_reference,
        children_count=len(children),
        found_at=detention.found_at,
        received_at=detention.received_at,
        children=children,
    )
