"""`GET /v1/detentions/{id}`: a detention whose children intake received, with each child's case.

The children themselves are given to intake (`POST /intake/v1/detentions`), never to the police.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, ConfigDict

from backbone.service import get_uow
from backbone.uow import UnitOfWork
from services.police.detentions.service import detention

router = APIRouter(prefix="/v1/detentions", tags=["detentions"])


class DetentionView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    detention_id: str
    detention_reference: str
    children_count: int
    case_ids: list[str]
    found_at: datetime
    reported_at: datetime


@router.get("/{detention_id}", responses={404: {"description": "Unknown"}})
async def get_detention(detention_id: str, uow: UnitOfWork = Depends(get_uow)) -> DetentionView:
    async with uow:
        found = await detention(session=uow.session, detention_id=detention_id)
        if found is None:
            raise HTTPException(404, detail="no detention with this id")
        return DetentionView.model_validate(found)
