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
    id: int = Field(description="The record's position in the service's append-only trail")
    recorded_at: datetime = Field(description="When the call was made (UTC)")
    action: str = Field(description="What was done, as the access policy names it")
    method: str = Field(description="The HTTP method of the call")
    route: str = Field(description="The route template called, e.g. `/v1/referrals/{referral_id}/accept`")
    subject: str = Field(description="Who: the token's subject (a user or a client)")
    client_id: str = Field(description="The agency system (OAuth client) that made the call")
    agency: str = Field(description="The caller's agency, from the token")
    role: str = Field(
        description="The caller's role the decision was made on: system, officer, supervisor, operations"
    )
    resource: dict[str, Any] = Field(description="Ids of what was touched; never personal data")
    trace_id: str | None = Field(description="The call's trace id, to find it in the tracing UI")
    purpose: str | None = Field(description="Why personal data was read (reads of personal data only)")
    hash: str = Field(
        description="Chains the record to the one before it, so a removed or edited record shows"
    )


class AuditPage(BaseModel):
    items: list[AuditRecordView] = Field(description="The records of this page, newest first")
    total: int = Field(description="Records matching the filters, over all pages")
    limit: int = Field(description="The page size asked for")
    offset: int = Field(description="Records skipped before this page")


@router.get(
    "",
    response_model=AuditPage,
    summary="Read this service's audit trail",
    description="For supervisors and operations (督查考核): every state-changing call and every read of "
    "personal data this service answered, newest first, filtered by an id it touched, by who acted or by "
    "time. Records hold ids only and are written in the same transaction as the call's effects.",
)
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
