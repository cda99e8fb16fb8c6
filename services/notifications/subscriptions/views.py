"""The subscriptions API: `/notifications/v1/subscriptions` (an agency manages only its own)."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Depends, Request, Response

from backbone.auth.guard import caller, visibility
from backbone.auth.policy import Visibility
from backbone.auth.principal import Principal
from backbone.service import get_runtime, get_uow
from backbone.uow import UnitOfWork
from backbone.web.paging import Page, PageRequest, paging
from services.notifications.errors import UNKNOWN_SUBSCRIPTION, http_errors, refused
from services.notifications.models import SubscriptionState
from services.notifications.secrets import secret_ring
from services.notifications.subscriptions.schemas import (
    EventTypeView,
    SecretRotated,
    SubscriptionBody,
    SubscriptionCreated,
    SubscriptionView,
)
from services.notifications.subscriptions.service import (
    change_state,
    create_subscription,
    deliverable_families,
    get_subscription,
    list_subscriptions,
    rotate_secret,
)
from services.notifications.subscriptions.targets import TargetRules, check_target

router = APIRouter(prefix="/v1", tags=["webhooks"])
subscription_page = paging(default_limit=50, max_limit=200)
event_type_page = paging(default_limit=100, max_limit=200)


@router.get("/event-types", summary="List the event types a webhook can receive")
async def event_types(request: Request, page: PageRequest = Depends(event_type_page)) -> Page[EventTypeView]:
    """Every event type addressed to an agency: its referrals and their changes, deadline warnings,
    breaches and escalations. Subscribe by name without version."""
    catalogue = get_runtime(request).catalogue
    every = [
        EventTypeView(type=family, version=version, summary=catalogue.latest(family).summary.strip())
        for family, version in sorted(deliverable_families(catalogue).items())
    ]
    # The catalogue is code, not a table: paged like every list, counted here.
    chosen = every[page.offset : page.offset + page.limit]
    return Page[EventTypeView].of(chosen, total=len(every), page=page)


@router.post(
    "/subscriptions",
    status_code=201,
    summary="Register a webhook subscription",
)
async def subscribe(
    body: SubscriptionBody,
    request: Request,
    response: Response,
    who: Principal = Depends(caller),
    uow: UnitOfWork = Depends(get_uow),
) -> SubscriptionCreated:
    """Register where the caller's agency wants its events POSTed. The answer holds the signing secret
    (Standard Webhooks `whsec_...`), shown only this once."""
    runtime = get_runtime(request)
    assert runtime.settings is not None
    response.headers["Cache-Control"] = "no-store"  # the answer holds a secret
    with http_errors():
        await check_target(body.url, TargetRules.from_settings(runtime.settings))
        async with uow:
            subscription, secret = await create_subscription(
                session=uow.session,
                ring=secret_ring(runtime.settings),
                catalogue=runtime.catalogue,
                agency=who.agency,
                districts=who.districts,
                created_by=who.client_id or who.subject,
                url=body.url,
                event_types=body.event_types,
                description=body.description,
            )
            view = SubscriptionCreated(
                **SubscriptionView.model_validate(subscription).model_dump(), secret=secret
            )
            await uow.commit()
    return view


@router.get("/subscriptions", summary="List the agency's webhook subscriptions")
async def subscriptions(
    page: PageRequest = Depends(subscription_page),
    uow: UnitOfWork = Depends(get_uow),
    seen: Visibility = Depends(visibility),
) -> Page[SubscriptionView]:
    """The caller's agency's subscriptions, newest first, paged with limit/offset."""
    async with uow:
        rows, total = await list_subscriptions(
            session=uow.session, visibility=seen, limit=page.limit, offset=page.offset
        )
        items = [SubscriptionView.model_validate(r) for r in rows]
    return Page[SubscriptionView](items=items, total=total, limit=page.limit, offset=page.offset)


@router.get(
    "/subscriptions/{subscription_id}",
    summary="Show one webhook subscription",
    responses=UNKNOWN_SUBSCRIPTION,
)
async def show(subscription_id: str, uow: UnitOfWork = Depends(get_uow)) -> SubscriptionView:
    """One of the caller's agency's subscriptions."""
    with http_errors():
        async with uow:
            subscription = await get_subscription(session=uow.session, subscription_id=subscription_id)
            return SubscriptionView.model_validate(subscription)


async def _change(uow: UnitOfWork, subscription_id: str, state: SubscriptionState) -> SubscriptionView:
    with http_errors():
        async with uow:
            subscription = await change_state(
                session=uow.session, subscription_id=subscription_id, state=state
            )
            view = SubscriptionView.model_validate(subscription)
            await uow.commit()
    return view


@router.post(
    "/subscriptions/{subscription_id}/pause",
    summary="Pause a webhook subscription",
    responses={**UNKNOWN_SUBSCRIPTION, **refused("It is already paused")},
)
async def pause(subscription_id: str, uow: UnitOfWork = Depends(get_uow)) -> SubscriptionView:
    """Stop sending: deliveries keep being queued and wait, in order, until it is resumed."""
    return await _change(uow, subscription_id, SubscriptionState.PAUSED)


@router.post(
    "/subscriptions/{subscription_id}/resume",
    summary="Resume a paused webhook subscription",
    responses={**UNKNOWN_SUBSCRIPTION, **refused("It is already active")},
)
async def resume(subscription_id: str, uow: UnitOfWork = Depends(get_uow)) -> SubscriptionView:
    """Start sending again: what waited goes out first, in order per case."""
    return await _change(uow, subscription_id, SubscriptionState.ACTIVE)


@router.post(
    "/subscriptions/{subscription_id}/rotate-secret",
    summary="Rotate the signing secret",
    responses={**UNKNOWN_SUBSCRIPTION, **refused("The subscription's state does not allow a rotation")},
)
async def rotate(
    subscription_id: str, request: Request, response: Response, uow: UnitOfWork = Depends(get_uow)
) -> SecretRotated:
    """Draw a new secret, shown this once. For the grace period (WEBHOOK_SECRET_GRACE_SECONDS) every
    delivery carries signatures by both the new and the old secret, so receivers can switch over."""
    runtime = get_runtime(request)
    assert runtime.settings is not None
    response.headers["Cache-Control"] = "no-store"  # the answer holds a secret
    with http_errors():
        async with uow:
            subscription, secret = await rotate_secret(
                session=uow.session,
                ring=secret_ring(runtime.settings),
                subscription_id=subscription_id,
                grace=timedelta(seconds=runtime.settings.webhook_secret_grace_seconds),
            )
            answer = SecretRotated(
                subscription_id=subscription.id,
                secret=secret,
                previous_secret_expires_at=subscription.previous_secret_expires_at,
            )
            await uow.commit()
    return answer
