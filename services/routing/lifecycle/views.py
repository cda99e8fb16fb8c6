"""`POST /routing/v1/referrals/{referral_id}/withdraw`: the task's lead or supervision cancels a referral."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from backbone.auth.guard import Access, current_access
from backbone.service import get_uow
from backbone.uow import UnitOfWork
from backbone.web.problems import declared_refusals
from services.routing.cases.schemas import ReferralView
from services.routing.lifecycle.decisions import WITHDRAW_LEAD_REFERRAL, WithdrawalRefused
from services.routing.lifecycle.service import UnknownReferralId, withdraw_referral

router = APIRouter(prefix="/v1/referrals", tags=["referrals"])


class WithdrawBody(BaseModel):
    """Why the referral is withdrawn."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"reason": "the school already supports the child; not needed"}]},
    )

    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)] = Field(
        description="Why the referral is withdrawn (free text: the agency is told; never logged)"
    )


@router.post(
    "/{referral_id}/withdraw",
    response_model=ReferralView,
    summary="Withdraw (cancel) a referral",
    responses=declared_refusals(
        not_found="No referral with this id",
        conflict="The referral is no longer open (declined, completed, withdrawn)",
    ),
    description="The lead agency of the referral's task withdraws a responsible agency's referral, or a "
    "supervisor withdraws any open referral (a lead one included). The agency is told "
    "(`referral.withdrawn`), the referral's deadlines are cancelled, and every further step the agency "
    "tries on it is refused with 409. 409 when the referral is no longer open.",
)
async def withdraw(
    referral_id: str,
    body: WithdrawBody,
    uow: Annotated[UnitOfWork, Depends(get_uow)],
    access: Annotated[Access, Depends(current_access)],
) -> ReferralView:
    supervising = access.may(WITHDRAW_LEAD_REFERRAL)
    principal = access.caller()
    withdrawn_by = f"{principal.agency}.supervisor" if supervising else principal.agency
    async with uow:
        try:
            referral = await withdraw_referral(
                uow=uow,
                referral_id=referral_id,
                reason=body.reason,
                withdrawn_by=withdrawn_by,
                may_withdraw_lead=supervising,
            )
        except UnknownReferralId:
            raise HTTPException(status_code=404, detail="no referral with this id") from None
        except WithdrawalRefused as refused:
            raise HTTPException(status_code=409, detail=str(refused)) from None
        view = ReferralView.model_validate(referral, from_attributes=True)
        await uow.commit()
    return view
