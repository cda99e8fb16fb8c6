"""`/intake/v1/children/{child_id}`: a child's file (一人一档), masked; its personal data, for a purpose."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel, Field

from backbone.service import get_uow
from backbone.uow import UnitOfWork
from backbone.web.paging import PageRequest, paging
from backbone.web.problems import ErrorMessage
from services.intake.children.models import ChildFile
from services.intake.personal_data import open_child
from services.intake.reports.reading import ChildFileView, child_file_view

router = APIRouter(prefix="/v1", tags=["children"])
# `limit`/`offset` page the file's reports and its cases alike.
file_page = paging(default_limit=100, max_limit=500)


class AccessPurpose(StrEnum):
    """Why a caseworker or officer reads a child's identity; recorded with every read."""

    EMERGENCY_RESPONSE = "emergency_response"  # 应急处置: finding and protecting the child
    ASSESSMENT = "assessment"  # 评估帮扶
    GUARDIANSHIP_INTERVENTION = "guardianship_intervention"  # 监护干预
    PLACEMENT = "placement"  # 临时监护 / 安置
    FAMILY_TRACING = "family_tracing"
    COURT_PROCEEDINGS = "court_proceedings"


class ChildPersonalData(BaseModel):
    """A child's identity as the file holds it (civil-affairs caseworkers; the police on an open case)."""

    child_id: str = Field(description="The child's file (一人一档)")
    name: str | None = Field(description="The child's name; null when unknown (e.g. an abandoned infant)")
    gender: str = Field(description="female, male or unknown")
    birth_date: date | None = Field(description="The child's birth date, when known")
    id_number: str | None = Field(description="Resident ID number (公民身份号码)")
    district: str = Field(description="6-digit administrative code of the child's residence")
    school: str | None = Field(description="The child's school, when known")


@router.get(
    "/children/{child_id}",
    response_model=ChildFileView,
    summary="Read a child's file (一人一档), masked",
    description="One child, one file, kept up to date: the child with name and resident ID masked, every "
    "report about the child and every case, open or closed For civil affairs and the police in their "
    "districts, and supervisors.",
    responses={404: {"model": ErrorMessage, "description": "No child file with this id"}},
)
async def get_child_file(
    child_id: str, page: PageRequest = Depends(file_page), uow: UnitOfWork = Depends(get_uow)
) -> ChildFileView:
    """The child (masked), every report about the child and every case in the file."""
    async with uow:
        view = await child_file_view(session=uow.session, ring=uow.key_ring, child_id=child_id, page=page)
    if view is None:
        raise HTTPException(404, detail="no child file with this id")
    return view


@router.get(
    "/children/{child_id}/personal-data",
    response_model=ChildPersonalData,
    summary="Read a child's identity, for a purpose",
    description="The unmasked identity of a child whose case is addressed to the caller (civil affairs, "
    "the police) in their districts, e.g. to find the child in an emergency response (应急处置) or place "
    "them (临时监护). The read, with who and why, is written to the audit trail before it is answered.",
    responses={404: {"model": ErrorMessage, "description": "No child file with this id"}},
)
async def get_child_personal_data(
    child_id: str,
    purpose: AccessPurpose = Query(description="Why the identity is read; recorded in the audit trail"),
    uow: UnitOfWork = Depends(get_uow),
) -> ChildPersonalData:
    """The child's unmasked identity; every read is recorded (who, when, purpose) before it is answered."""
    async with uow:
        child = await uow.session.get(ChildFile, child_id)
        if child is None:
            raise HTTPException(404, detail="no child file with this id")
        opened = open_child(uow.key_ring, child)
        return ChildPersonalData.model_validate(opened, from_attributes=True)
