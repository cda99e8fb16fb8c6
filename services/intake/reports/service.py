"""Receiving reports: one code path for reports submitted over REST and those made from police events."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from backbone.clock import utcnow
from backbone.privacy import UNKNOWN_NAME, mask_name
from backbone.uow import UnitOfWork
from backbone.web.problems import problems_of
from contracts.events.intake import ReportReceived
from services.intake.cases.service import link_or_open_case
from services.intake.children.matching import Identity, age_on
from services.intake.children.service import file_for
from services.intake.personal_data import seal_into
from services.intake.reports.idempotency import StoredAnswer, claim_key, fingerprint, record_answer
from services.intake.reports.models import Report, ReporterContact
from services.intake.reports.schemas import (
    ADULT_AGE_YEARS,
    CHINA_TIME,
    Child,
    Incident,
    Reporter,
    ReportSource,
    ReportSubmission,
)

log = logging.getLogger(__name__)
UNNAMED_CHILD = UNKNOWN_NAME  # display name of a child whose name nobody knows (an abandoned infant)
ACCEPTED = 202


class InvalidReport(ValueError):
    """The body is not an acceptable report; `problems` name each bad field without its value."""

    def __init__(self, problems: list[dict[str, Any]]) -> None:
        super().__init__(f"{len(problems)} invalid field(s)")
        self.problems = problems


@dataclass(frozen=True)
class NewReport:
    """A validated report about to be received, whoever made it."""

    source: ReportSource
    reporter: Reporter | None
    child: Child
    incident: Incident
    source_event_id: str | None = None
    detention_id: str | None = None  # the detention whose child this is (police reports)

    @classmethod
    def submitted(cls, submission: ReportSubmission) -> NewReport:
        return cls(
            source=submission.source,
            reporter=submission.reporter,
            child=submission.child,
            incident=submission.incident,
        )


@dataclass(frozen=True)
class ReceivedReport:
    report_id: str
    case_id: str
    child_id: str
    corroborates_report_id: str | None

    @property
    def new_case(self) -> bool:
        return self.corroborates_report_id is None

    def answer(self) -> dict[str, Any]:
        return {
            "report_id": self.report_id,
            "case_id": self.case_id,
            "child_id": self.child_id,
            "corroborates_report_id": self.corroborates_report_id,
            "new_case": self.new_case,
        }


def validate_submission(*, body: Any) -> ReportSubmission:
    """The body as a report, checked against the intake clock, or InvalidReport."""
    try:
        return ReportSubmission.model_validate(body, context={"now": utcnow()})
    except ValidationError as error:
        raise InvalidReport(problems_of(error.errors())) from None


async def submit_report(
    *, uow: UnitOfWork, body: Any, idempotency_key: str | None, submitted_by: str | None
) -> tuple[StoredAnswer, bool]:
    """Receive a submitted body; with a key the same client already used, the first answer (and True)."""
    if idempotency_key is not None:
        # Each client's keys are its own: another client's key can neither replay nor block this one's.
        # Anonymous submitters (a policy making the route public) share one key space of their own.
        idempotency_key = f"{submitted_by or ''}\x1f{idempotency_key}"
    if idempotency_key is not None:
        stored = await claim_key(
            session=uow.session,
            key=idempotency_key,
            request_fingerprint=fingerprint(uow.key_ring, body),
            at=utcnow(),
        )
        if stored is not None:
            return stored, True
    submission = validate_submission(body=body)
    received = await receive_report(
        uow=uow, report=NewReport.submitted(submission), submitted_by=submitted_by
    )
    answer = StoredAnswer(status_code=ACCEPTED, body=received.answer())
    if idempotency_key is not None:
        await record_answer(session=uow.session, key=idempotency_key, answer=answer)
    return answer, False


async def receive_report(
    *, uow: UnitOfWork, report: NewReport, submitted_by: str | None = None
) -> ReceivedReport:
    """Put a report in the child's file and case, store it with its reporter, and emit report.received."""
    session = uow.session
    received_at = utcnow()
    report_id = str(uuid.uuid4())
    incident = report.incident
    categories = [c.value for c in incident.categories]
    ring = uow.key_ring
    child_file, new_file = await file_for(session=session, ring=ring, child=report.child, at=received_at)
    link = await link_or_open_case(
        session=session,
        child_id=child_file.child_id,
        new_file=new_file,
        report_id=report_id,
        categories=categories,
        occurred_at=incident.occurred_at,
        at=received_at,
    )
    identity = Identity.of(report.child)
    age = age_on(identity, estimate=report.child.age, on=received_at.astimezone(CHINA_TIME).date())
    if age is not None:
        age = min(age, ADULT_AGE_YEARS - 1)  # validated a moment ago; a birthday at midnight cannot undo it
    stored = Report(
        report_id=report_id,
        child_id=child_file.child_id,
        case_id=link.case_id,
        corroborates_report_id=link.corroborates_report_id,
        source=report.source.value,
        categories=categories,
        sealed_description="",
        occurred_at=incident.occurred_at,
        received_at=received_at,
        location_district=incident.location.district,
        area=incident.location.area.value,
        immediate_danger=incident.immediate_danger,
        injured=incident.injured,
        suspected_offender_relation=(
            incident.suspected_offender_relation.value if incident.suspected_offender_relation else None
        ),
        child_age_years=age,
        source_event_id=report.source_event_id,
        detention_id=report.detention_id,
        submitted_by=submitted_by,
    )
    seal_into(ring, stored, description=incident.description, location_address=incident.location.address)
    session.add(stored)
    await session.flush()
    if report.reporter is not None:
        reporter = report.reporter
        contact = ReporterContact(
            report_id=report_id, sealed_name="", sealed_phone="", wants_feedback=reporter.wants_feedback
        )
        seal_into(ring, contact, name=reporter.name, organization=reporter.organization, phone=reporter.phone)
        session.add(contact)
        await session.flush()
    uow.emit(
        ReportReceived(
            report_id=report_id,
            case_id=link.case_id,
            child_id=child_file.child_id,
            child_display_name=mask_name(child_file.name) if child_file.name else UNNAMED_CHILD,
            child_gender=child_file.gender,
            child_age_years=age,
            source=report.source.value,
            categories=categories,
            immediate_danger=incident.immediate_danger,
            injured=incident.injured,
            occurred_at=incident.occurred_at,
            received_at=received_at,
            district=incident.location.district,
            area=incident.location.area.value,
            corroborates_report_id=link.corroborates_report_id,
            new_case=link.new_case,
        ),
        subject=link.case_id,
    )
    received = ReceivedReport(
        report_id=report_id,
        case_id=link.case_id,
        child_id=child_file.child_id,
        corroborates_report_id=link.corroborates_report_id,
    )
    log.info(
        "report received",
        extra={"report_id": report_id, "case_id": link.case_id, "child_id": child_file.child_id},
    )
    return received
