"""Which subscriptions an event is for, and its pending deliveries, written in the inbox's transaction.

An event is addressed to the agency its `agency` field names (its referrals, their changes, its
deadline warnings, breaches and escalations); one without that field but about a case (a priority
raise) is addressed to every agency holding a referral on the case. A subscription receives events of
cases in the districts of the system that registered it.
"""

from __future__ import annotations

import json
import uuid

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from backbone.auth.principal import covers
from backbone.clock import utcnow
from backbone.uow import UnitOfWork
from contracts.catalogue import PUSH_SERVICE, family_of
from contracts.envelope import CloudEvent
from services.notifications.models import CaseAgency, Delivery, DeliveryState, Subscription


def webhook_body(envelope: CloudEvent) -> str:
    """The payload (Standard Webhooks' `type`, `timestamp`, `data`): the event's own data, ids and codes."""
    payload = {"type": envelope.type, "timestamp": envelope.time.isoformat(), "data": envelope.data}
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


async def _addressed(uow: UnitOfWork, envelope: CloudEvent, case_id: str) -> dict[str, str | None]:
    """Agency -> the case's district (None when not known yet) for the agencies this event is for."""
    data = envelope.data
    agency = data.get("agency")
    session = uow.session
    if isinstance(agency, str) and family_of(envelope.type) in ("referral.created", "referrals.assigned"):
        await session.execute(
            insert(CaseAgency)
            .values(case_id=case_id, agency=agency, district=data["district"])
            .on_conflict_do_nothing()
        )
    rows = (await session.execute(select(CaseAgency).where(CaseAgency.case_id == case_id))).scalars().all()
    districts = {row.agency: row.district for row in rows}
    if isinstance(agency, str):
        return {agency: data.get("district") or districts.get(agency)}
    return dict(districts)


async def queue_deliveries(envelope: CloudEvent, uow: UnitOfWork) -> None:
    """Envelope observer: one pending delivery per subscription the event is for (once per event)."""
    if envelope.source == f"/{PUSH_SERVICE}":
        return
    case_id = envelope.subject or envelope.data.get("case_id")
    if not case_id:
        return
    addressed = await _addressed(uow, envelope, case_id)
    if not addressed:
        return
    family = family_of(envelope.type)
    subscriptions = await uow.session.scalars(
        select(Subscription).where(
            Subscription.agency.in_(list(addressed)), Subscription.event_types.any(family)
        )
    )
    now = utcnow()
    body = webhook_body(envelope)
    rows = [
        {
            "webhook_id": f"msg_{uuid.uuid4().hex}",
            "subscription_id": s.id,
            "agency": s.agency,
            "event_id": envelope.id,
            "event_type": envelope.type,
            "case_id": case_id,
            "body": body,
            "state": DeliveryState.PENDING,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
            "retry_from": now,
        }
        for s in subscriptions
        # A case's district not known yet (its referral still on its way here) does not hold the
        # event back: it is delivered to the agency's subscriptions, whose own ids it carries.
        if addressed[s.agency] is None or covers(s.districts, addressed[s.agency])
    ]
    if rows:
        await uow.session.execute(insert(Delivery).values(rows).on_conflict_do_nothing())
