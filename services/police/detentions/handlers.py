"""Police's event handlers for detentions: intake received a detention's children."""

from __future__ import annotations

import logging

from backbone.uow import UnitOfWork
from contracts.envelope import CloudEvent
from contracts.events.intake import DetentionChildrenReported
from services.police.detentions.service import record_detention

log = logging.getLogger(__name__)


async def handle_detention_children_reported(
    event: DetentionChildrenReported, envelope: CloudEvent, uow: UnitOfWork
) -> None:
    """Record the detention and the case of each of its children; a redelivery changes nothing."""
    await record_detention(session=uow.session, event=event)
    log.info("detention recorded", extra={"detention_id": event.detention_id, "event_id": envelope.id})
