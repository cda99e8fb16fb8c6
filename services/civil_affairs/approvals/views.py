"""Approvals: the lead requests them on its referral; supervisors decide under `/v1/approvals`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from backbone.auth.guard import caller, visibility
from backbone.auth.policy import Visibility
from backbone.auth.principal import Principal
from backbone.service import get_uow
from backbone.uow import UnitOfWork
from backbone.web.paging import Page, PageRequest, paging
from backbone.web.problems import declared_refusals
from contracts.events.civil_affairs import ApprovalKind
from services.agency.errors import run_step
from services.agency.referrals.schemas import Body, Text500
from services.civil_affairs.approvals import service
from services.civil_affairs.approvals.models import ApprovalStatus

router = APIRouter(prefix="/v1", tags=["approvals"])
approval_page = paging(default_limit=100, max_limit=500)


class ApprovalRequest(Body):
    """The step to approve and why; closing names the case's outcome."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "kind": "close_case",
                    "reason": "the school's referral waits on a transfer",
                    "outcome": "safe",
                },
                {"kind": "court_revocation_application", "reason": "the father keeps beating the child"},
            ]
        },
    )

    kind: ApprovalKind = Field(description="close_case, or court_revocation_application (监护干预)")
    reason: Text500 = Field(description="Why the step is needed (free text; never logged)")
    outcome: Text500 | None = Field(default=None, description="close_case only: the closed case's outcome")


class Decision(Body):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"note": "agreed at the joint meeting"}]}
    )

    note: Text500 | None = Field(default=None, description="The supervisor's note (free text; never logged)")


class Rejection(Body):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"note": "finish the assessment first"}]}
    )

    note: Text500 = Field(description="Why the step is rejected (free text; never logged)")


class ApprovalView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    approval_id: str = Field(description="The request's id")
    referral_id: str = Field(description="Civil affairs' lead referral the step is taken on")
    case_id: str = Field(description="The case")
    district: str = Field(description="The case's district (six-digit code): its supervisors decide")
    kind: ApprovalKind = Field(description="close_case or court_revocation_application")
    reason: str = Field(description="Why the lead asks (free text)")
    outcome: str | None = Field(description="The case's outcome, for close_case")
    status: ApprovalStatus = Field(description="requested (waiting for a supervisor), approved or rejected")
    requested_by: str = Field(description="The requesting account's id")
    requested_at: datetime = Field(description="When it was requested")
    decided_by: str | None = Field(
        description="The deciding supervisor's agency, e.g. civil_affairs.supervisor"
    )
    decision_note: str | None = Field(description="The supervisor's note with the decision")
    decided_at: datetime | None = Field(description="When a supervisor decided")


@router.post(
    "/referrals/{referral_id}/approvals",
    status_code=201,
    summary="Request a supervisor's approval",
    description="Closing the case while other agencies' referrals are open (`close_case`, with the "
    "outcome) or applying to the court to revoke guardianship (`court_revocation_application`, 监护干预) "
    "waits for a supervisor of the case's district. 409 when the step is not allowed now or already waits.",
    responses=declared_refusals(
        not_found="No referral with this id in civil affairs' inbox",
        conflict="The step needs no approval now, is not allowed, or a request already waits",
    ),
)
async def request_approval(
    referral_id: str,
    body: ApprovalRequest,
    uow: Annotated[UnitOfWork, Depends(get_uow)],
    who: Annotated[Principal, Depends(caller)],
) -> ApprovalView:
    return await run_step(
        uow,
        lambda: service.request_approval(
            uow=uow,
            referral_id=referral_id,
            kind=body.kind,
            reason=body.reason,
            outcome=body.outcome,
            requested_by=who.subject,
        ),
        ApprovalView.model_validate,
    )


@router.get(
    "/approvals", summary="Approval requests", description="Requests in the caller's districts, oldest first."
)
async def list_approvals(
    uow: Annotated[UnitOfWork, Depends(get_uow)],
    page: Annotated[PageRequest, Depends(approval_page)],
    seen: Annotated[Visibility, Depends(visibility)],
    status: ApprovalStatus | None = None,
) -> Page[ApprovalView]:
    async with uow:
        rows, total = await service.list_approvals(
            session=uow.session, status=status, limit=page.limit, offset=page.offset, visibility=seen
        )
        return Page[ApprovalView](
            items=[ApprovalView.model_validate(r) for r in rows],
            total=total,
            limit=page.limit,
            offset=page.offset,
        )


@router.get(
    "/approvals/{approval_id}",
    summary="One approval request",
    description="A request for a supervisor's approval, with its decision once taken: who asked, for "
    "which step (closing the case or a court application to revoke guardianship), and why.",
    responses=declared_refusals(not_found="No approval request with this id"),
)
async def show_approval(approval_id: str, uow: Annotated[UnitOfWork, Depends(get_uow)]) -> ApprovalView:
    return await run_step(
        uow,
        lambda: service.get_approval(session=uow.session, approval_id=approval_id),
        ApprovalView.model_validate,
        commit=False,
    )


@router.post(
    "/approvals/{approval_id}/approve",
    summary="Approve: the step is taken",
    description="A supervisor of the case's district approves; the step is taken in the same transaction "
    "(the case closed, or the court application decided). 409 once decided or when the step is no longer "
    "allowed (nothing changes then).",
    responses=declared_refusals(
        not_found="No approval request with this id",
        conflict="It was decided already, or the step is no longer allowed",
    ),
)
async def approve(
    approval_id: str,
    uow: Annotated[UnitOfWork, Depends(get_uow)],
    who: Annotated[Principal, Depends(caller)],
    body: Decision | None = None,
) -> ApprovalView:
    return await _decide(uow, approval_id, who, approved=True, note=body.note if body else None)


@router.post(
    "/approvals/{approval_id}/reject",
    summary="Reject: nothing is done",
    description="A supervisor of the case's district rejects the request with a note: the step is not "
    "taken, and the lead sees the decision on the case timeline. 409 once decided.",
    responses=declared_refusals(
        not_found="No approval request with this id", conflict="It was decided already"
    ),
)
async def reject(
    approval_id: str,
    body: Rejection,
    uow: Annotated[UnitOfWork, Depends(get_uow)],
    who: Annotated[Principal, Depends(caller)],
) -> ApprovalView:
    return await _decide(uow, approval_id, who, approved=False, note=body.note)


async def _decide(
    uow: UnitOfWork, approval_id: str, who: Principal, *, approved: bool, note: str | None
) -> ApprovalView:
    return await run_step(
        uow,
        lambda: service.decide_approval(
            uow=uow,
            approval_id=approval_id,
            approved=approved,
            decided_by=f"{who.agency}.supervisor",
            note=note,
        ),
        ApprovalView.model_validate,
    )
