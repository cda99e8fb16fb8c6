"""`GET /{agency}/v1/sla`: the agency's own deadlines, as routing (their one owner) holds them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from backbone.web.paging import Page, PageRequest, paging
from backbone.web.params import IsoDateTime
from backbone.web.peers import PeerUnavailable, read_peer
from contracts.events.common import Agency

OWNER = "routing"
DeadlineState = Literal["running", "paused", "warning", "breached", "met", "met_late", "cancelled"]


class AgencyClockView(BaseModel):
    id: str = Field(description="The clock's id in routing (`/routing/v1/sla/clocks/{id}/...`)")
    clock: str = Field(
        description="Which obligation, as the deadline policy names it, e.g. police.first_dispatch"
    )
    subject_id: str = Field(description="What the clock runs on: a referral id, or the case id")
    case_id: str = Field(description="The case the deadline belongs to")
    state: str = Field(
        description="running, paused, breached (past due, not stopped), met, met_late or cancelled"
    )
    warned: bool = Field(description="Whether it has passed a warning point of its target")
    started_at: datetime = Field(description="When the starting event happened")
    due_at: datetime | None = Field(
        description="When it falls due (paused time not counted); null while unknown"
    )
    due_provisional: bool = Field(
        description="Counted Monday-Friday over a year the holiday calendar has no file for yet"
    )
    stopped_at: datetime | None = Field(description="When the stopping event happened")
    breached_at: datetime | None = Field(
        description="When it fell due without being stopped (breached, or met late)"
    )
    late_by_seconds: float = Field(description="How far past due it is or was stopped; 0 when on time")
    escalated_to: str | None = Field(
        description="Who the latest escalation past the breach alerted, e.g. the joint meeting office"
    )
    paused_at: datetime | None = Field(default=None, description="When its current pause (a hold) began")
    policy_version: str = Field(description="The deadline policy version that set the target, e.g. sla.v1")


def agency_view(clock: dict[str, Any]) -> AgencyClockView:
    """One of routing's clocks as the agency's deadline list shows it."""
    late = clock["state"] in ("breached", "met_late")
    open_pauses = [p for p in clock.get("pauses", []) if p.get("ended_at") is None]
    return AgencyClockView.model_validate(
        clock
        | {
            "breached_at": clock["due_at"] if late else None,
            "paused_at": open_pauses[-1]["started_at"]
            if clock["state"] == "paused" and open_pauses
            else None,
        }
    )


def deadlines_router(agency: Agency) -> APIRouter:
    """The agency's deadline list, soonest due first."""
    router = APIRouter(prefix="/v1/sla", tags=["deadlines"])

    @router.get(
        "",
        response_model=Page[AgencyClockView],
        summary="List the agency's deadlines",
        description="The deadline clocks of this agency in the caller's districts, soonest due first: "
        "acceptance (受理), the police's first-moment dispatch (第一时间出警) and arrival, admission, the "
        "school follow-up, assessment, ... Routing keeps every clock (their one owner); this list is "
        "routing's, read with the caller's own token, so it is never behind. Filter by state or "
        "due_before; reading changes nothing. 503 `peer_unavailable` while routing cannot be reached.",
    )
    async def list_deadlines(
        request: Request,
        page: Annotated[PageRequest, Depends(paging(default_limit=100, max_limit=1000))],
        state: DeadlineState | None = None,
        due_before: IsoDateTime | None = None,
    ) -> Page[AgencyClockView] | JSONResponse:
        """This agency's deadlines in the caller's districts: running, warned, breached or met."""
        params: dict[str, str | int] = {"agency": agency.value, "limit": page.limit, "offset": page.offset}
        if state is not None:
            params["state"] = state
        if due_before is not None:
            params["due_before"] = due_before.isoformat()
        answer = await read_peer(request, OWNER, "/v1/sla", params)
        if answer.status_code == 404:
            raise PeerUnavailable(OWNER, "has no deadline list at the configured URL")
        if not answer.ok:
            # The owner's refusal (its access policy, its rate limit) is the caller's answer.
            return JSONResponse(answer.body, status_code=answer.status_code, headers=answer.headers)
        return Page[AgencyClockView](
            items=[agency_view(clock) for clock in answer.body["items"]],
            total=answer.body["total"],
            limit=answer.body["limit"],
            offset=answer.body["offset"],
        )

    return router
