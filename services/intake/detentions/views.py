"""`/intake/v1/detentions`: the police give intake a detained person's children without care."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request

from backbone.auth.guard import caller, visibility
from backbone.auth.policy import Visibility
from backbone.auth.principal import Principal
from backbone.service import get_uow
from backbone.uow import UnitOfWork
from backbone.web.problems import ErrorBody, ErrorMessage
from services.intake.detentions.schemas import DetentionConflict, DetentionSubmission, DetentionView
from services.intake.detentions.service import (
    DetentionAlreadyReported,
    OutsideDistrict,
    detention_view,
    receive_detention,
)
from services.intake.reports.service import InvalidReport
from services.intake.reports.views import in_body, inline_schema, json_body

router = APIRouter(prefix="/v1", tags=["detentions"])


@router.post(
    "/detentions",
    status_code=201,
    response_model=DetentionView,
    summary="Give intake a detained person's children left without care",
    description="When the police detain a suspect they ask whether minor children are left without care "
    "(003). The police give those children here, the only place their personal data is kept: intake makes "
    "one report per child (de_facto_unattended, guardianship_failure), opens or joins each child's case "
    "and answers with ids only; the police's own detention (`GET /police/v1/detentions/{id}`) learns the "
    "case ids.",
    responses={
        409: {
            "model": DetentionConflict,
            "description": "This detention's children were already reported: its detention_id",
        },
        422: {"model": ErrorBody, "description": "Bad fields, named without their values"},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": inline_schema(DetentionSubmission)}},
        }
    },
)
async def post_detention(
    request: Request,
    uow: UnitOfWork = Depends(get_uow),
    principal: Principal = Depends(caller),
    seen: Visibility = Depends(visibility),
) -> DetentionView:
    """One police report per child (`DetentionSubmission`); the answer names each child's case."""
    body = json_body(await request.body())
    try:
        async with uow:
            view = await receive_detention(
                uow=uow, body=body, submitted_by=principal.client_id, visibility=seen
            )
            await uow.commit()
    except OutsideDistrict as outside:
        raise HTTPException(403, detail=str(outside)) from None
    except InvalidReport as refused:
        raise HTTPException(422, detail=in_body(refused.problems)) from None
    except DetentionAlreadyReported as repeated:
        raise HTTPException(
            409, detail={"msg": str(repeated), "detention_id": repeated.detention_id}
        ) from None
    return view


@router.get(
    "/detentions/{detention_id}",
    response_model=DetentionView,
    summary="Read a detention's children's cases",
    description="The detention as intake received it and, per child in the order given, the report and the "
    "case opened or joined; ids only.",
    responses={404: {"model": ErrorMessage, "description": "No detention with this id"}},
)
async def get_detention(detention_id: str, uow: UnitOfWork = Depends(get_uow)) -> DetentionView:
    """The detention and the report and case of each of its children."""
    async with uow:
        view = await detention_view(uow=uow, detention_id=detention_id)
    if view is None:
        raise HTTPException(404, detail="no detention with this id")
    return view
