"""Which subscriptions an event is for, and its pending deliveries, written in the inbox's transaction.

An event is addressed to the agency its `agency` field names (its referrals, their changes, its
deadline warnings, breaches and escalations); one without that field but about a case (a priority
raise) is addressed to every agency holding a referral on the case. A subscription receives events of
cases in the districts of the system that registered it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import col

from backbone.auth.principal import covers
from backbone.clock import utcnow
from backbone.uow import UnitOfWork
from contracts.catalogue import PUSH_SERVICE, family_of
from contracts.envelope import CloudEvent
from contracts.events.routing import ReferralsAssigned
from services.notifications.models import CaseAgency, Delivery, DeliveryState, Subscription


def webhook_body(event_type: str, time: datetime, data: dict[str, Any]) -> str:
    """The payload (Standard Webhooks' `type`, `timestamp`, `data`): the event's own data, ids and codes."""
    payload = {"type": event_type, "timestamp": time.isoformat(), "data": data}
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


def webhook_payloads(envelope: CloudEvent, wanted: Sequence[str]) -> list[tuple[str, str, str]]:
    """(event id, type, body) of what a subscription to the families `wanted` receives of this event.

    A subscription to `referral.created` alone, made before referrals came as one `referrals.assigned`
    per case and agency, still receives each of them as the `referral.created.v1` it expects, under an
    id of its own (the assignment's id and the referral's).
    """
    family = family_of(envelope.type)
    if family in wanted:
        return [(envelope.id, envelope.type, webhook_body(envelope.type, envelope.time, envelope.data))]
    if family == "referrals.assigned" and "referral.created" in wanted:
        return [
            (
                f"{envelope.id}:{referral.referral_id}",
                referral.TYPE,
                webhook_body(referral.TYPE, envelope.time, referral.model_dump(mode="json")),
            )
            for referral in ReferralsAssigned.model_validate(envelope.data).each_referral()
        ]
    return []


# Events naming the agency and district of a referral: the case's agencies are learnt from them.
LEARNT_FROM = ("referral.created", "referrals.assigned")


def _wanted(envelope: CloudEvent) -> str | None:
    """The case an event is about, if it may be pushed at all (never the push service's own)."""
    if envelope.source == f"/{PUSH_SERVICE}":
        return None
    return envelope.subject or envelope.data.get("case_id") or None


def _names_its_district(envelope: CloudEvent) -> bool:
    """Whether the event says which agency it is for and the case's district itself."""
    return isinstance(envelope.data.get("agency"), str) and bool(envelope.data.get("district"))


async def _case_agencies(uow: UnitOfWork, events: list[tuple[CloudEvent, str]]) -> dict[str, dict[str, str]]:
    """Case -> agency -> district for the cases whose events need them, after recording what these
    events teach (one insert, one select for the whole set)."""
    learnt = {
        (case_id, e.data["agency"]): e.data["district"]
        for e, case_id in events
        if isinstance(e.data.get("agency"), str) and family_of(e.type) in LEARNT_FROM
    }
    if learnt:
        await uow.session.execute(
            insert(CaseAgency)
            .values([{"case_id": c, "agency": a, "district": d} for (c, a), d in learnt.items()])
            .on_conflict_do_nothing()
        )
    needed = {case_id for e, case_id in events if not _names_its_district(e)}
    by_case: dict[str, dict[str, str]] = {}
    if needed:
        rows = await uow.session.execute(select(CaseAgency).where(col(CaseAgency.case_id).in_(needed)))
        for row in rows.scalars():
            by_case.setdefault(row.case_id, {})[row.agency] = row.district
    return by_case


def _addressed(envelope: CloudEvent, known: dict[str, str]) -> dict[str, str | None]:
    """Agency -> the case's district (None when not known yet) for the agencies this event is for."""
    agency = envelope.data.get("agency")
    if isinstance(agency, str):
        return {agency: envelope.data.get("district") or known.get(agency)}
    return dict(known)


async def queue_deliveries(envelopes: Sequence[CloudEvent], uow: UnitOfWork) -> None:
    """Envelope observer: one pending delivery per subscription each event is for (once per event), for
    a set of events in a few statements whatever its size."""
    events = [(e, case_id) for e in envelopes if (case_id := _wanted(e))]
    if not events:
        return
    by_case = await _case_agencies(uow, events)
    addressed = [(e, case_id, _addressed(e, by_case.get(case_id, {}))) for e, case_id in events]
    agencies = sorted({agency for _, _, to in addressed for agency in to})
    if not agencies:
        return
    families = {family_of(e.type) for e, _, _ in addressed}
    if "referrals.assigned" in families:
        families.add("referral.created")  # the older subscriptions receive assignments too
    subscriptions = list(
        await uow.session.scalars(
            select(Subscription).where(
                col(Subscription.agency).in_(agencies),
                col(Subscription.event_types).overlap(sorted(families)),
            )
        )
    )
    now = utcnow()
    rows = []
    for envelope, case_id, to in addressed:
        for s in subscriptions:
            # A case's district not known yet (its referral still on its way here) does not hold the
            # event back: it is delivered to the agency's subscriptions, whose own ids it carries.
            if s.agency not in to or (to[s.agency] is not None and not covers(s.districts, to[s.agency])):
                continue
            rows.extend(
                {
                    "webhook_id": f"msg_{uuid.uuid4().hex}",
                    "subscription_id": s.id,
                    "agency": s.agency,
                    "event_id": event_id,
                    "event_type": event_type,
                    "case_id": case_id,
                    "body": body,
                    "state": DeliveryState.PENDING,
                    "attempts": 0,
                    "next_attempt_at": now,
                    "created_at": now,
                    "retry_from": now,
                }
                for event_id, event_type, body in webhook_payloads(envelope, s.event_types)
            )
    if rows:
        await uow.session.execute(insert(Delivery).values(rows).on_conflict_do_nothing())
