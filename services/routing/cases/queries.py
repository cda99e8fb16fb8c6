"""Reading cases for the API: one case in full, or a filtered page of them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backbone.auth.policy import EVERYTHING, Visibility, district_filter
from backbone.web.paging import Page, PageRequest, fetch_page
from services.routing.cases.models import (
    OPEN_REFERRAL_STATUSES,
    CaseStatus,
    RoutingCase,
    RoutingCaseReport,
    RoutingPriorityChange,
    RoutingReferral,
    RoutingTimelineEntry,
)
from services.routing.cases.schemas import (
    CaseSummary,
    CaseView,
    ChildView,
    LeadTransferView,
    LeadView,
    NoteView,
    PriorityChangeView,
    ReferralView,
    ReportView,
    TimelineEntryView,
)
from services.routing.cases.store import UnknownCase
from services.routing.cases.timeline import render
from services.routing.deadlines.models import SlaClockRow
from services.routing.deadlines.queries import ClockView, list_clocks
from services.routing.lifecycle.models import RoutingReferralNote
from services.routing.transfers.models import RoutingLeadTransfer
from services.routing.triage import Agency, Priority

# A case's view shows all its clocks (a few per referral); the bound only guards against the absurd.
CASE_CLOCKS = PageRequest(limit=1000, offset=0)


async def snapshot(*, session: AsyncSession) -> None:
    """Read every table from one snapshot, so a view never shows half of a handler's commit."""
    await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


async def get_case_view(*, session: AsyncSession, case_id: str) -> CaseView:
    """The case with its priority history, referrals and timeline in order; UnknownCase if none."""
    await snapshot(session=session)
    case = await session.get(RoutingCase, case_id)
    if case is None:
        raise UnknownCase(f"case {case_id} not found")
    history = await session.scalars(
        select(RoutingPriorityChange)
        .where(RoutingPriorityChange.case_id == case_id)
        .order_by(RoutingPriorityChange.id)
    )
    reports = await session.scalars(  # in the order routing applied them
        select(RoutingCaseReport)
        .join(
            RoutingTimelineEntry,
            (RoutingTimelineEntry.case_id == RoutingCaseReport.case_id)
            & (RoutingTimelineEntry.event_id == RoutingCaseReport.event_id),
        )
        .where(RoutingCaseReport.case_id == case_id)
        .order_by(RoutingTimelineEntry.seq)
    )
    referrals = await session.scalars(
        select(RoutingReferral).where(RoutingReferral.case_id == case_id).order_by(RoutingReferral.seq)
    )
    timeline = await session.scalars(
        select(RoutingTimelineEntry)
        .where(RoutingTimelineEntry.case_id == case_id)
        .order_by(RoutingTimelineEntry.seq)
    )
    clocks = (await list_clocks(session=session, case_id=case_id, page=CASE_CLOCKS)).items
    notes = await session.scalars(
        select(RoutingReferralNote)
        .where(RoutingReferralNote.case_id == case_id)
        .order_by(RoutingReferralNote.noted_at, RoutingReferralNote.note_id)
    )
    transfers = await session.scalars(
        select(RoutingLeadTransfer)
        .where(RoutingLeadTransfer.case_id == case_id)
        .order_by(RoutingLeadTransfer.requested_at, RoutingLeadTransfer.transfer_id)
    )
    referrals = list(referrals)
    open_statuses = {s.value for s in OPEN_REFERRAL_STATUSES}
    return CaseView(
        notes=[NoteView.model_validate(n, from_attributes=True) for n in notes],
        leads=[
            LeadView(task=r.task, agency=r.agency, referral_id=r.referral_id)
            for r in referrals
            if r.role == "lead" and r.status in open_statuses
        ],
        lead_transfers=[LeadTransferView.model_validate(t, from_attributes=True) for t in transfers],
        sla_clocks=clocks,
        case_id=case.case_id,
        status=case.status,
        priority=case.priority,
        priority_reasons=case.priority_reasons,
        priority_history=[PriorityChangeView.model_validate(h, from_attributes=True) for h in history],
        rule_version=case.rule_version,
        child=ChildView(
            child_id=case.child_id,
            display_name=case.child_display_name,
            gender=case.child_gender,
            age_years=case.child_age_years,
        ),
        categories=case.categories,
        district=case.district,
        area=case.area,
        opened_at=case.opened_at,
        updated_at=case.updated_at,
        reports=[ReportView.model_validate(r, from_attributes=True) for r in reports],
        referrals=[_referral_view(r, clocks) for r in referrals],
        timeline=[_timeline_entry(t) for t in timeline],
    )


def _timeline_entry(entry: RoutingTimelineEntry) -> TimelineEntryView:
    """An event log entry rendered for the timeline (rows from before routing_0004 hold their line)."""
    if entry.data is None:
        occurred_at, referral_id, summary = entry.occurred_at, entry.referral_id, entry.summary or ""
    else:
        occurred_at, referral_id, summary = render(entry.event_type, entry.data)
    return TimelineEntryView(
        event_id=entry.event_id,
        type=entry.event_type,
        time=entry.time,
        occurred_at=occurred_at,
        source=entry.source,
        referral_id=referral_id,
        summary=summary,
    )


def _referral_view(referral: RoutingReferral, clocks: list[ClockView]) -> ReferralView:
    """The referral, escalated when it was declined beyond the lead or one of its deadlines reached the
    joint meeting office, whichever came first."""
    view = ReferralView.model_validate(referral, from_attributes=True)
    escalated = [c for c in clocks if c.subject_id == referral.referral_id and c.escalated_at is not None]
    first = min(escalated, key=lambda c: c.escalated_at, default=None)
    if first is None or (view.escalated_at is not None and view.escalated_at <= first.escalated_at):
        return view
    reason = f"deadline {first.clock} still open at twice its target"
    return view.model_copy(update={"escalated_at": first.escalated_at, "escalation_reason": reason})


async def list_cases(
    *,
    session: AsyncSession,
    status: CaseStatus | None,
    agency: Agency | None,
    priority: Priority | None,
    page: PageRequest,
    visibility: Visibility = EVERYTHING,
) -> Page[CaseSummary]:
    """Cases the caller may see matching every filter given, most urgent and oldest first."""
    await snapshot(session=session)
    where = [district_filter(RoutingCase.district, visibility)]
    if visibility.agency is not None:
        where.append(
            RoutingCase.case_id.in_(
                select(RoutingReferral.case_id).where(RoutingReferral.agency == visibility.agency)
            )
        )
    if status is not None:
        where.append(RoutingCase.status == status.value)
    if priority is not None:
        where.append(RoutingCase.priority == priority.value)
    if agency is not None:
        where.append(
            RoutingCase.case_id.in_(
                select(RoutingReferral.case_id).where(RoutingReferral.agency == agency.value)
            )
        )
    cases, total = await fetch_page(
        session,
        select(RoutingCase)
        .where(*where)
        .order_by(RoutingCase.priority, RoutingCase.opened_at, RoutingCase.case_id),
        page,
    )
    escalated_clock = (
        select(SlaClockRow.id)
        .where(SlaClockRow.subject_id == RoutingReferral.referral_id, SlaClockRow.escalated_at.is_not(None))
        .exists()
    )
    referrals = await session.execute(
        select(
            RoutingReferral.case_id,
            RoutingReferral.agency,
            RoutingReferral.status,
            RoutingReferral.escalated_at,
            escalated_clock.label("deadline_escalated"),
        ).where(RoutingReferral.case_id.in_([c.case_id for c in cases]))
    )
    by_case: dict[str, list] = {c.case_id: [] for c in cases}
    for row in referrals:
        by_case[row.case_id].append(row)
    open_statuses = {s.value for s in OPEN_REFERRAL_STATUSES}
    agencies = list(Agency)
    return Page[CaseSummary].of(
        [
            CaseSummary(
                case_id=c.case_id,
                status=c.status,
                priority=c.priority,
                child_display_name=c.child_display_name,
                categories=c.categories,
                district=c.district,
                area=c.area,
                agencies=sorted({Agency(r.agency) for r in by_case[c.case_id]}, key=agencies.index),
                open_referrals=sum(r.status in open_statuses for r in by_case[c.case_id]),
                escalated_referrals=sum(
                    r.escalated_at is not None or r.deadline_escalated for r in by_case[c.case_id]
                ),
                opened_at=c.opened_at,
                updated_at=c.updated_at,
            )
            for c in cases
        ],
        total=total,
        page=page,
    )
