"""The lead transfer API: the lead requests, the receiving agency accepts or refuses."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from backbone.service import get_uow
from backbone.uow import UnitOfWork
from backbone.web.problems import declared_refusals, problem
from contracts.events.common import Agency
from services.routing.lifecycle.service import UnknownReferralId
from services.routing.transfers import service
from services.routing.transfers.decisions import InvalidTransfer, TransferRefused
from services.routing.transfers.models import RoutingLeadTransfer, TransferStatus

router = APIRouter(prefix="/v1", tags=["lead transfers"])
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class TransferRequest(BaseModel):
    """Which agency is asked to take the lead, and why."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"to_agency": "civil_affairs", "reason": "the child is in care now"}]
        },
    )

    to_agency: Agency = Field(description="The agency asked to take the lead of the referral's task")
    reason: Reason = Field(description="Why (free text: the receiving agency is told; never logged)")


class TransferRefusal(BaseModel):
    """Why the receiving agency does not take the lead."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reason": "not within our duties"}]}
    )

    reason: Reason = Field(description="Why the lead is refused (free text; never logged)")


class TransferView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    transfer_id: str = Field(description="The transfer's id")
    case_id: str = Field(description="The case of the referral")
    referral_id: str = Field(description="The lead referral whose task is handed over")
    task: str = Field(description="The task whose lead moves")
    from_agency: Agency = Field(description="The lead handing it over")
    to_agency: Agency = Field(description="The agency asked to take the lead")
    reason: str = Field(description="Why the lead asks (free text)")
    status: TransferStatus = Field(
        description="requested (waiting for the receiving agency), accepted, refused"
    )
    requested_at: datetime = Field(description="When the lead asked")
    decided_at: datetime | None = Field(description="When the agency asked accepted or refused")
    refusal_reason: str | None = Field(description="Why the agency asked refused (free text)")
    new_referral_id: str | None = Field(description="The receiving agency's new lead referral, once accepted")


@router.post(
    "/referrals/{referral_id}/lead-transfers",
    response_model=TransferView,
    status_code=201,
    summary="Ask another agency to take the lead",
    responses=declared_refusals(
        not_found="No referral with this id", conflict="It is not an open lead referral, or a transfer waits"
    ),
    description="The lead agency of a referral's task offers the lead to another agency. Nothing changes "
    "until that agency accepts (`lead.transfer_requested` tells it); the case view shows the transfer "
    "pending. 409 when the referral is not an open lead referral or a transfer of it already waits.",
)
async def request_transfer(
    referral_id: str, body: TransferRequest, uow: Annotated[UnitOfWork, Depends(get_uow)]
) -> TransferView:
    return await _answer(
        uow,
        lambda: service.request_transfer(
            uow=uow, referral_id=referral_id, to_agency=body.to_agency.value, reason=body.reason
        ),
    )


@router.post(
    "/lead-transfers/{transfer_id}/accept",
    response_model=TransferView,
    summary="Accept the lead",
    responses=declared_refusals(not_found="No transfer with this id", conflict="The transfer was answered"),
    description="The receiving agency takes the lead: it gets a new lead referral for the task (reason "
    "`rerouted`, replacing the former one), the former lead's referral is withdrawn and its deadlines "
    "cancelled, and the former lead is told (`lead.transfer_accepted`). 409 once answered.",
)
async def accept_transfer(transfer_id: str, uow: Annotated[UnitOfWork, Depends(get_uow)]) -> TransferView:
    return await _answer(uow, lambda: service.accept_transfer(uow=uow, transfer_id=transfer_id))


@router.post(
    "/lead-transfers/{transfer_id}/refuse",
    response_model=TransferView,
    summary="Refuse the lead",
    responses=declared_refusals(not_found="No transfer with this id", conflict="The transfer was answered"),
    description="The receiving agency refuses; the former lead keeps the task and is told "
    "(`lead.transfer_refused`). 409 once answered.",
)
async def refuse_transfer(
    transfer_id: str, body: TransferRefusal, uow: Annotated[UnitOfWork, Depends(get_uow)]
) -> TransferView:
    return await _answer(
        uow, lambda: service.refuse_transfer(uow=uow, transfer_id=transfer_id, reason=body.reason)
    )


async def _answer(uow: UnitOfWork, step: Callable[[], Awaitable[RoutingLeadTransfer]]) -> TransferView:
    async with uow:
        try:
            transfer = await step()
        except UnknownReferralId:
            raise HTTPException(404, "no referral with this id") from None
        except service.UnknownTransfer:
            raise HTTPException(404, "no lead transfer with this id") from None
        except TransferRefused as refused:
            raise HTTPException(409, str(refused)) from None
        except InvalidTransfer as invalid:
            raise HTTPException(
                422, [problem(["body", invalid.field], str(invalid), "value_error")]
            ) from None
        view = TransferView.model_validate(transfer)
        await uow.commit()
    return view
