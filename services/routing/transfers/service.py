"""Service functions of a lead transfer: request, accept (the lead moves), refuse. None commits."""

from __future__ import annotations

import logging
import uuid

from sqlalchemy import select

from backbone.clock import utcnow
from backbone.uow import UnitOfWork
from contracts.events.routing import LeadTransferAccepted, LeadTransferRefused, LeadTransferRequested
from services.routing.cases import store
from services.routing.cases.facts import current_rules
from services.routing.cases.models import RoutingCase, RoutingReferral
from services.routing.cases.referrals import create_referral
from services.routing.lifecycle.service import announce_withdrawal, locked_referral
from services.routing.transfers.decisions import check_answer, check_request
from services.routing.transfers.models import RoutingLeadTransfer, TransferStatus

log = logging.getLogger(__name__)


class UnknownTransfer(LookupError):
    """No lead transfer with this id: 404."""


async def request_transfer(
    *, uow: UnitOfWork, referral_id: str, to_agency: str, reason: str
) -> RoutingLeadTransfer:
    """Offer a lead referral's task to another agency (lead.transfer_requested); nothing moves yet."""
    case, referral = await locked_referral(uow, referral_id)
    pending = await uow.session.scalar(
        select(RoutingLeadTransfer.transfer_id).where(
            RoutingLeadTransfer.referral_id == referral_id,
            RoutingLeadTransfer.status == TransferStatus.REQUESTED.value,
        )
    )
    check_request(
        status=referral.status,
        role=referral.role,
        from_agency=referral.agency,
        to_agency=to_agency,
        pending=pending is not None,
    )
    transfer = RoutingLeadTransfer(
        transfer_id=f"transfer-{uuid.uuid4()}",
        case_id=case.case_id,
        referral_id=referral_id,
        task=referral.task,
        from_agency=referral.agency,
        to_agency=to_agency,
        reason=reason,
        status=TransferStatus.REQUESTED.value,
        requested_at=utcnow(),
    )
    uow.session.add(transfer)
    event = LeadTransferRequested(
        transfer_id=transfer.transfer_id,
        case_id=case.case_id,
        referral_id=referral_id,
        task=referral.task,
        agency=to_agency,
        from_agency=referral.agency,
        reason=reason,
        requested_at=transfer.requested_at,
    )
    await store.emit_and_record(uow=uow, case_id=case.case_id, event=event)
    log.info("lead transfer requested", extra={"case_id": case.case_id, "transfer_id": transfer.transfer_id})
    return transfer


async def accept_transfer(*, uow: UnitOfWork, transfer_id: str) -> RoutingLeadTransfer:
    """The receiving agency takes the lead: a new lead referral for it, the former lead's withdrawn."""
    transfer, case, referral = await _open_answer(uow, transfer_id)
    now = utcnow()
    new_referral_id = await create_referral(
        uow=uow,
        case=case,
        agency=transfer.to_agency,
        task=transfer.task,
        role="lead",
        emergency=referral.emergency,
        reason="rerouted",
        origin_key=f"{case.case_id}/lead-transfer/{transfer.transfer_id}",
        rule_version=current_rules().version,
        replaces_referral_id=referral.referral_id,
    )
    assert new_referral_id is not None  # one transfer is accepted once (its row is locked)
    await announce_withdrawal(
        uow=uow,
        case=case,
        referral=referral,
        reason=f"lead transferred to {transfer.to_agency}",
        withdrawn_by="lead_transfer",
    )
    transfer.status, transfer.decided_at, transfer.new_referral_id = (
        TransferStatus.ACCEPTED.value,
        now,
        new_referral_id,
    )
    event = LeadTransferAccepted(
        transfer_id=transfer.transfer_id,
        case_id=case.case_id,
        referral_id=referral.referral_id,
        task=transfer.task,
        agency=transfer.from_agency,
        to_agency=transfer.to_agency,
        new_referral_id=new_referral_id,
        accepted_at=now,
    )
    await store.emit_and_record(uow=uow, case_id=case.case_id, event=event)
    log.info("lead transfer accepted", extra={"case_id": case.case_id, "transfer_id": transfer_id})
    return transfer


async def refuse_transfer(*, uow: UnitOfWork, transfer_id: str, reason: str) -> RoutingLeadTransfer:
    """The receiving agency refuses the lead: the former lead keeps it (lead.transfer_refused)."""
    transfer, case, _ = await _open_answer(uow, transfer_id)
    transfer.status, transfer.decided_at = TransferStatus.REFUSED.value, utcnow()
    transfer.refusal_reason = reason
    event = LeadTransferRefused(
        transfer_id=transfer.transfer_id,
        case_id=case.case_id,
        referral_id=transfer.referral_id,
        task=transfer.task,
        agency=transfer.from_agency,
        to_agency=transfer.to_agency,
        reason=reason,
        refused_at=transfer.decided_at,
    )
    await store.emit_and_record(uow=uow, case_id=case.case_id, event=event)
    log.info("lead transfer refused", extra={"case_id": case.case_id, "transfer_id": transfer_id})
    return transfer


async def _open_answer(
    uow: UnitOfWork, transfer_id: str
) -> tuple[RoutingLeadTransfer, RoutingCase, RoutingReferral]:
    found = await uow.session.get(RoutingLeadTransfer, transfer_id)
    if found is None:
        raise UnknownTransfer("no lead transfer with this id")
    case, referral = await locked_referral(uow, found.referral_id)
    transfer = await uow.session.get(
        RoutingLeadTransfer, transfer_id, with_for_update=True, populate_existing=True
    )
    assert transfer is not None
    check_answer(status=transfer.status, lead_status=referral.status)
    uow.session.add(transfer)
    return transfer, case, referral
