"""`GET /v1/escalations`: the joint meeting office's queue."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from backbone.service import get_uow
from backbone.uow import UnitOfWork
from backbone.web.paging import Page, PageRequest, paging
from contracts.events.common import Agency
from services.civil_affairs.escalations.models import EscalationCause
from services.civil_affairs.escalations.service import list_escalations

router = APIRouter(prefix="/v1/escalations", tags=["joint meeting office"])
escalation_page = paging(default_limit=200, max_limit=1000)


class EscalationView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    escalation_id: str = Field(description="The escalation's id")
    cause: EscalationCause = Field(description="referral_declined, or deadline (open at twice its target)")
    referral_id: str | None = Field(description="None for a case's own deadline")
    case_id: str = Field(description="The case (个案) escalated")
    agency: Agency = Field(description="The agency whose referral or deadline it is")
    clock: str | None = Field(description="The deadline, when the cause is one")
    subject_id: str | None = Field(description="What the deadline runs on: a referral id or the case id")
    reason: str = Field(description="Why routing escalated it, in words")
    escalated_at: datetime = Field(description="When routing escalated it")
    received_at: datetime = Field(description="When the joint meeting office's queue received it")


@router.get(
    "",
    summary="Read the joint meeting office's escalation queue",
    description="For the joint meeting office (联席会议办公室), which supervises every agency: referrals no "
    "agency would take (a declined lead referral) and deadlines still open at twice their target, oldest "
    "first, optionally for one agency. Reading changes nothing.",
)
async def escalations(
    page: Annotated[PageRequest, Depends(escalation_page)],
    agency: Agency | None = None,
    uow: UnitOfWork = Depends(get_uow),
) -> Page[EscalationView]:
    """The queue, oldest escalation first; page with limit/offset."""
    async with uow:
        queue, total = await list_escalations(session=uow.session, agency=agency, page=page)
        return Page[EscalationView].of(
            [EscalationView.model_validate(e) for e in queue], total=total, page=page
        )
