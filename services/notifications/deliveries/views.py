"""The deliveries API: `/notifications/v1/deliveries`, what was sent to the agency's systems and how."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from backbone.auth.guard import visibility
from backbone.auth.policy import Visibility
from backbone.service import get_uow
from backbone.uow import UnitOfWork
from backbone.web.paging import Page, PageRequest, paging
from services.notifications.deliveries.service import list_deliveries, redeliver
from services.notifications.errors import UNKNOWN_DELIVERY, http_errors, refused
from services.notifications.models import DeliveryState

router = APIRouter(prefix="/v1", tags=["webhooks"])
delivery_page = paging(default_limit=50, max_limit=200)


class DeliveryView(BaseModel):
    """One event sent (or being sent) to one subscription."""

    model_config = ConfigDict(from_attributes=True)

    webhook_id: str = Field(
        description="The `webhook-id` header: the same on every attempt", examples=["msg_2b7f"]
    )
    subscription_id: str = Field(description="The subscription it is for")
    event_id: str = Field(
        description="The event's id (CloudEvents `id`); a referral of an assignment delivered as "
        "`referral.created` to a subscription asking for that alone: `{assignment id}:{referral id}`"
    )
    event_type: str = Field(description="The event's type, with version", examples=["referrals.assigned.v1"])
    case_id: str = Field(description="The case it is about; a case's deliveries go out in order")
    state: DeliveryState = Field(description="pending, delivered, or failed (dead-lettered)")
    attempts: int = Field(description="Attempts made in its retry window so far")
    next_attempt_at: datetime | None = Field(description="When it is tried next (pending only)")
    last_attempt_at: datetime | None = Field(description="When it was last tried")
    last_status_code: int | None = Field(description="The receiver's last HTTP status, if it answered")
    last_error: str | None = Field(
        description="Why the last attempt failed; for a failed delivery, the reason"
    )
    delivered_at: datetime | None = Field(description="When the receiver accepted it")
    failed_at: datetime | None = Field(description="When it was dead-lettered")
    created_at: datetime = Field(description="When it was queued")


@router.get("/deliveries", summary="List the agency's webhook deliveries (and failed ones)")
async def deliveries(
    state: DeliveryState | None = Query(
        default=None, description="pending, delivered or failed (dead-lettered: every retry failed)"
    ),
    subscription_id: str | None = Query(default=None, max_length=100, description="Only this subscription's"),
    page: PageRequest = Depends(delivery_page),
    uow: UnitOfWork = Depends(get_uow),
    seen: Visibility = Depends(visibility),
) -> Page[DeliveryView]:
    """Deliveries to the caller's agency's subscriptions, newest first; `state=failed` lists the
    dead-lettered ones with the reason."""
    async with uow:
        rows, total = await list_deliveries(
            session=uow.session,
            visibility=seen,
            state=state,
            subscription_id=subscription_id,
            limit=page.limit,
            offset=page.offset,
        )
        items = [
            DeliveryView.model_validate(r).model_copy(
                update={"next_attempt_at": r.next_attempt_at if r.state == DeliveryState.PENDING else None}
            )
            for r in rows
        ]
    return Page[DeliveryView](items=items, total=total, limit=page.limit, offset=page.offset)


@router.post(
    "/deliveries/{webhook_id}/redeliver",
    summary="Send a failed delivery again",
    responses={**UNKNOWN_DELIVERY, **refused("It is not failed (pending or delivered)")},
)
async def send_again(webhook_id: str, uow: UnitOfWork = Depends(get_uow)) -> DeliveryView:
    """Queue a dead-lettered delivery once more, with the same `webhook-id` and body (a receiver that
    did apply it drops it) and a fresh retry window; it keeps its place in its case's order."""
    with http_errors():
        async with uow:
            delivery = await redeliver(session=uow.session, webhook_id=webhook_id)
            view = DeliveryView.model_validate(delivery)
            await uow.commit()
    return view
