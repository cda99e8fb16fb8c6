"""`GET /v1/detentions/{id}`: a detention whose children intake received, with each child's case.

The children themselves are given to intake (`POST /intake/v1/detentions`), never to the police.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, ConfigDict, Field

from backbone.service import get_uow
from backbone.uow import UnitOfWork
from backbone.web.problems import ErrorMessage
from services.police.detentions.service import detention

router = APIRouter(prefix="/v1/detentions", tags=["detentions"])


class DetentionView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    detention_id: str = Field(
        description="Intake's id of the detention, as `POST /intake/v1/detentions` answered",
    )
    detention_reference: str = Field(description="The police's own case reference")
    children_count: int = Field(description="Children without care intake received")
    case_ids: list[str] = Field(description="The case opened or found for each child")
    found_at: datetime = Field(description="When the police learnt the children were without care")
    reported_at: datetime = Field(description="When intake received them")


@router.get(
    "/{detention_id}",
    summary="Read a detention whose children intake received",
    description="When the police detain a parent they ask whether children are left without care (003) and "
    "give those children to intake (`POST /intake/v1/detentions`); here the police read back the ids of the "
    "cases intake opened, never the children's personal data.",
    responses={404: {"model": ErrorMessage, "description": "No detention with this id"}},
)
async def get_detention(detention_id: str, uow: UnitOfWork = Depends(get_uow)) -> DetentionView:
    async with uow:
        found = await detention(session=uow.session, detention_id=detention_id)
        if found is None:
            raise HTTPException(404, detail="no detention with this id")
        return DetentionView.model_validate(found)
