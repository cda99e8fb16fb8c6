"""Requesting a supervisor's approval, and the supervisor's decision, which takes the step when approved.

Every request and decision is a state-changing call, so its unit of work writes the audit record (who,
which action, the ids) in the same transaction; the events put them on the case's timeline.
"""

from __future__ import annotations

import logging
import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backbone.auth.policy import EVERYTHING, Visibility, district_filter
from backbone.clock import utcnow
from backbone.uow import UnitOfWork
from contracts.events.civil_affairs import ApprovalDecided, ApprovalKind, ApprovalRequested, Intervention
from contracts.events.common import Agency
from services.agency.errors import ReferralNotFound
from services.agency.referrals.service import require_accepted
from services.civil_affairs.approvals.models import ApprovalStatus, CivilAffairsApproval
from services.civil_affairs.approvals.rules import check_decision, check_request
from services.civil_affairs.casework import follow_up
from services.civil_affairs.casework.rules import CaseworkStep
from services.civil_affairs.casework.service import check_step_allowed, decide_intervention

log = logging.getLogger(__name__)
STEP_OF = {
    ApprovalKind.CLOSE_CASE: CaseworkStep.CLOSE_CASE,
    ApprovalKind.COURT_REVOCATION_APPLICATION: CaseworkStep.INTERVENTION,
}


async def request_approval(
    *,
    uow: UnitOfWork,
    referral_id: str,
    kind: ApprovalKind,
    reason: str,
    requested_by: str,
    outcome: str | None = None,
) -> CivilAffairsApproval:
    """Ask the district's supervisors to approve a step on an accepted referral (approval_requested)."""
    referral = await require_accepted(uow=uow, agency=Agency.CIVIL_AFFAIRS, referral_id=referral_id)
    await check_step_allowed(uow=uow, referral=referral, step=STEP_OF[kind])
    pending = await uow.session.scalar(
        select(CivilAffairsApproval.approval_id).where(
            CivilAffairsApproval.referral_id == referral_id,
            CivilAffairsApproval.kind == kind.value,
            CivilAffairsApproval.status == ApprovalStatus.REQUESTED.value,
        )
    )
    check_request(kind=kind, outcome=outcome, pending=pending is not None)
    approval = CivilAffairsApproval(
        approval_id=f"approval-{uuid.uuid4()}",
        referral_id=referral_id,
        case_id=referral.case_id,
        district=referral.district,
        kind=kind.value,
        reason=reason,
        outcome=outcome,
        status=ApprovalStatus.REQUESTED.value,
        requested_by=requested_by,
        requested_at=utcnow(),
    )
    uow.session.add(approval)
    uow.emit(
        ApprovalRequested(
            approval_id=approval.approval_id,
            referral_id=referral_id,
            case_id=referral.case_id,
            kind=kind,
            reason=reason,
            requested_at=approval.requested_at,
        ),
        subject=referral.case_id,
    )
    log.info("approval requested", extra={"referral_id": referral_id, "approval_id": approval.approval_id})
    return approval


async def decide_approval(
    *, uow: UnitOfWork, approval_id: str, approved: bool, decided_by: str, note: str | None = None
) -> CivilAffairsApproval:
    """Approve (and so take the step) or reject a requested approval (approval_decided)."""
    approval = await get_approval(session=uow.session, approval_id=approval_id, lock=True)
    check_decision(approval.status)
    if approved:
        await _take_step(uow, approval)
    approval.status = (ApprovalStatus.APPROVED if approved else ApprovalStatus.REJECTED).value
    approval.decided_by, approval.decision_note, approval.decided_at = decided_by, note, utcnow()
    uow.emit(
        ApprovalDecided(
            approval_id=approval_id,
            referral_id=approval.referral_id,
            case_id=approval.case_id,
            kind=ApprovalKind(approval.kind),
            approved=approved,
            decided_by=decided_by,
            note=note,
            decided_at=approval.decided_at,
        ),
        subject=approval.case_id,
    )
    log.info("approval decided", extra={"approval_id": approval_id, "approved": approved})
    return approval


async def _take_step(uow: UnitOfWork, approval: CivilAffairsApproval) -> None:
    if approval.kind == ApprovalKind.CLOSE_CASE:
        assert approval.outcome is not None  # check_request requires it
        await follow_up.close_case(
            uow=uow, referral_id=approval.referral_id, outcome=approval.outcome, despite_open_emergency=True
        )
    else:
        await decide_intervention(
            uow=uow,
            referral_id=approval.referral_id,
            intervention=Intervention.COURT_REVOCATION_APPLICATION,
            approved=True,
        )


async def get_approval(
    *, session: AsyncSession, approval_id: str, lock: bool = False
) -> CivilAffairsApproval:
    """One approval request (locked when about to be decided)."""
    approval = await session.get(CivilAffairsApproval, approval_id, with_for_update=lock)
    if approval is None:
        raise ReferralNotFound("no approval with this id")
    return approval


async def list_approvals(
    *,
    session: AsyncSession,
    status: ApprovalStatus | None,
    limit: int,
    offset: int,
    visibility: Visibility = EVERYTHING,
) -> tuple[list[CivilAffairsApproval], int]:
    """Requests in the caller's districts, oldest first, and how many match."""
    where = [district_filter(CivilAffairsApproval.district, visibility)]
    if status is not None:
        where.append(CivilAffairsApproval.status == status.value)
    total = await session.scalar(select(func.count()).select_from(CivilAffairsApproval).where(*where))
    rows = await session.scalars(
        select(CivilAffairsApproval)
        .where(*where)
        .order_by(CivilAffairsApproval.requested_at, CivilAffairsApproval.approval_id)
        .limit(limit)
        .offset(offset)
    )
    return list(rows), int(total or 0)
