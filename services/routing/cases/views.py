"""The case API: `/routing/v1/cases/{case_id}` for agencies, `/routing/v1/cases` for the joint meeting."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query

from backbone.auth.guard import visibility
from backbone.auth.policy import Visibility
from backbone.service import get_uow
from backbone.uow import UnitOfWork
from backbone.web.paging import Page, PageRequest, paging
from backbone.web.problems import ErrorMessage
from services.routing.cases import queries
from services.routing.cases.models import CaseStatus
from services.routing.cases.schemas import CaseSummary, CaseView
from services.routing.cases.store import UnknownCase
from services.routing.triage import Agency, Priority

router = APIRouter(prefix="/v1", tags=["cases"])
case_page = paging(default_limit=50, max_limit=200)


@router.get(
    "/cases/{case_id}",
    response_model=CaseView,
    summary="Read one case",
    description="The case every agency shares: priority and why, status, the child (masked), its reports, "
    "referrals to each agency and their state, the timeline of events and every deadline clock. Agencies "
    "read cases addressed to them in their districts; supervisors any in theirs.",
    responses={404: {"model": ErrorMessage, "description": "No case with this id"}},
)
async def get_case(case_id: str, uow: UnitOfWork = Depends(get_uow)) -> CaseView:
    """One case: priority and its history, status, child (masked), referrals and timeline."""
    async with uow:
        try:
            return await queries.get_case_view(session=uow.session, case_id=case_id)
        except UnknownCase:
            raise HTTPException(status_code=404, detail="no case with this id") from None


@router.get(
    "/cases",
    response_model=Page[CaseSummary],
    summary="List cases for supervision",
    description="For the joint meeting office (联席会议办公室), supervisors and operations: cases in the "
    "caller's districts (an agency sees those addressed to it), most urgent first, filtered by status, "
    "agency or priority. Reading changes nothing.",
)
async def list_cases(
    status: CaseStatus | None = Query(default=None, description="open, under_monitoring or closed"),
    agency: Agency | None = Query(default=None, description="Cases with a referral to this agency"),
    priority: Priority | None = Query(default=None, description="P1, P2 or P3"),
    page: PageRequest = Depends(case_page),
    uow: UnitOfWork = Depends(get_uow),
    seen: Visibility = Depends(visibility),
) -> Page[CaseSummary]:
    """Cases for the joint meeting office, filtered, most urgent first."""
    async with uow:
        return await queries.list_cases(
            session=uow.session,
            status=status,
            agency=agency,
            priority=priority,
            page=page,
            visibility=seen,
        )
