"""The inbox's REST API, built for one agency: `referrals_router(Agency.POLICE)` under `/v1/referrals`."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from backbone.auth.guard import visibility
from backbone.auth.policy import Visibility
from backbone.service import get_uow
from backbone.uow import UnitOfWork
from backbone.web.paging import Page, PageRequest, paging
from backbone.web.params import IsoDateTime
from contracts.events.common import Agency
from services.agency.errors import run_step
from services.agency.referrals.rules import ReferralStatus
from services.agency.referrals.schemas import AcceptBody, CompleteBody, DeclineBody, ReferralView
from services.agency.referrals.service import (
    CompletionGuard,
    accept_referral,
    complete_referral,
    decline_referral,
    get_referral,
    list_referrals,
)


def referrals_router(agency: Agency, *, completion_guard: CompletionGuard | None = None) -> APIRouter:
    """The inbox routes of one agency; `completion_guard` adds the agency's own condition to complete."""
    router = APIRouter(prefix="/v1/referrals", tags=["referrals"])
    inbox_page = paging(default_limit=200, max_limit=1000)

    @router.get("")
    async def list_inbox(
        status: ReferralStatus | None = None,
        page: PageRequest = Depends(inbox_page),
        received_after: IsoDateTime | None = None,
        uow: UnitOfWork = Depends(get_uow),
        seen: Visibility = Depends(visibility),
    ) -> Page[ReferralView]:
        """The agency's inbox, most urgent first; page with limit/offset or poll with received_after."""
        async with uow:
            referrals, total = await list_referrals(
                session=uow.session,
                status=status,
                received_after=received_after,
                page=page,
                visibility=seen,
            )
            return Page[ReferralView].of(
                [ReferralView.model_validate(r) for r in referrals], total=total, page=page
            )

    @router.get("/{referral_id}")
    async def show(referral_id: str, uow: UnitOfWork = Depends(get_uow)) -> ReferralView:
        return await run_step(
            uow,
            lambda: get_referral(session=uow.session, referral_id=referral_id),
            ReferralView.model_validate,
            commit=False,
        )

    @router.post("/{referral_id}/accept")
    async def accept(
        referral_id: str, body: AcceptBody | None = None, uow: UnitOfWork = Depends(get_uow)
    ) -> ReferralView:
        return await run_step(
            uow,
            lambda: accept_referral(
                uow=uow, agency=agency, referral_id=referral_id, officer=body.officer if body else None
            ),
            ReferralView.model_validate,
        )

    @router.post("/{referral_id}/decline")
    async def decline(
        referral_id: str, body: DeclineBody, uow: UnitOfWork = Depends(get_uow)
    ) -> ReferralView:
        return await run_step(
            uow,
            lambda: decline_referral(uow=uow, agency=agency, referral_id=referral_id, reason=body.reason),
            ReferralView.model_validate,
        )

    @router.post("/{referral_id}/complete")
    async def complete(
        referral_id: str, body: CompleteBody, uow: UnitOfWork = Depends(get_uow)
    ) -> ReferralView:
        return await run_step(
            uow,
            lambda: complete_referral(
                uow=uow,
                agency=agency,
                referral_id=referral_id,
                outcome=body.outcome,
                guard=completion_guard,
            ),
            ReferralView.model_validate,
        )

    return router
