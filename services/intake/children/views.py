"""`/intake/v1/children/{child_id}`: a child's file (一人一档) with personal data masked."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException

from backbone.service import get_uow
from backbone.uow import UnitOfWork
from services.intake.reports.reading import ChildFileView, child_file_view

router = APIRouter(prefix="/v1", tags=["children"])


@router.get("/children/{child_id}", response_model=ChildFileView, responses={404: {"description": "Unknown"}})
async def get_child_file(child_id: str, uow: UnitOfWork = Depends(get_uow)) -> ChildFileView:
    """The child (masked), every report about the child and every case in the file."""
    async with uow:
        view = await child_file_view(session=uow.session, ring=uow.key_ring, child_id=child_id)
    if view is None:
        raise HTTPException(404, detail="no child file with this id")
    return view
