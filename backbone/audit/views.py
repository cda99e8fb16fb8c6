"""`GET /{service}/v1/audit`: the service's audit trail for supervisors, filtered and paged."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from backbone.audit.store import query_audit
from backbone.service import get_uow
from backbone.uow import UnitOfWork
from backbone.web.paging import Page, PageRequest, paging
from backbone.web.params import IsoDateTime

router = APIRouter(prefix="/v1/audit", tags=["audit"])
audit_page = paging(default_limit=100, max_limit=500)


class AuditRecordView(BaseModel):
    id: int
    recorded_at: datetime
    action: str = Field(description="What was done, as the access policy names it")
    method: str
    route: str
    subject: str = Field(description="Who: the token's subject (a user or a client)")
    client_id: str
    agency: str
    role: str
    resource: dict[str, Any] = Field(description="Ids of what was touched; never personal data")
    trace_id: str | None
    purpose: str | None
    hash: str


@router.get("", response_model=Page[AuditRecordView], summary="The audit trail of this service")
async def list_audit(
    uow: Annotated[UnitOfWork, Depends(get_uow)],
    page: Annotated[PageRequest, Depends(audit_page)],
    resource: Annotated[str | None, Query(max_length=200, description="Any id the record names")] = None,
    actor: Annotated[str | None, Query(max_length=200, description="A subject or client id")] = None,
    since: IsoDateTime | None = None,
) -> Page[AuditRecordView]:
    """Who did what and when, newest first; ids only."""
    async with uow:
        rows, total = await query_audit(
            uow.session, resource=resource, actor=actor, since=since, limit=page.limit, offset=page.offset
        )
    return Page[AuditRecordView].of([AuditRecordView(**r) for r in rows], total=total, page=page)
