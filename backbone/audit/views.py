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


@router.get(
    "",
    response_model=Page[AuditRecordView],
    summary="Read this service's audit trail",
    description="For supervisors and operations (督查考核): every state-changing call and every read of "
    "personal data this service answered, newest first, filtered by an id it touched, by who acted or by "
    "time. Records hold ids only and are written in the same transaction as the call's effects.",
)
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
