"""`GET /{service}/v1/audit`: the service's audit trail for supervisors, filtered and paged."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import AwareDatetime, BaseModel, Field

from backbone.audit.store import query_audit
from backbone.service import get_uow
from backbone.uow import UnitOfWork

router = APIRouter(prefix="/v1/audit", tags=["audit"])


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


class AuditPage(BaseModel):
    items: list[AuditRecordView]
    total: int
    limit: int
    offset: int


@router.get("", response_model=AuditPage, summary="The audit trail of this service")
async def list_audit(
    uow: Annotated[UnitOfWork, Depends(get_uow)],
    resource: Annotated[str | None, Query(max_length=200, description="Any id the record names")] = None,
    actor: Annotated[str | None, Query(max_length=200, description="A subject or client id")] = None,
    since: AwareDatetime | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> AuditPage:
    """Who did what and when, newest first; ids only."""
    async with uow:
        rows, total = await query_audit(
            uow.session, resource=resource, actor=actor, since=since, limit=limit, offset=offset
        )
    return AuditPage(items=[AuditRecordView(**r) for r in rows], total=total, limit=limit, offset=offset)
