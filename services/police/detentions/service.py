"""A detained person's minor children without care (询问是否有未成年子女需要照料): handed to intake."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from sqlalchemy.dialects.postgresql import insert as pg_insert

from backbone.clock import utcnow
from backbone.uow import UnitOfWork
from contracts.events.common import Area
from contracts.events.police import ChildrenWithoutCareFound, ChildWithoutCare
from services.agency.errors import StepRefused
from services.police.detentions.models import PoliceDetention

log = logging.getLogger(__name__)


async def report_children_without_care(
    *,
    uow: UnitOfWork,
    detention_reference: str,
    district: str,
    area: Area,
    children: list[ChildWithoutCare],
    found_at: datetime,
) -> PoliceDetention:
    """Record the detention with a count of children and emit their details for intake only.

    The children's personal data is not stored in police's tables; it travels in the event (whose outbox
    row holds it until the relay sends it).
    """
    detention = PoliceDetention(
        detention_id=str(uuid.uuid4()),
        detention_reference=detention_reference,
        district=district,
        area=area.value,
        children_count=len(children),
        found_at=found_at,
        reported_at=utcnow(),
    )
    stored = await uow.session.scalar(
        pg_insert(PoliceDetention)
        .values(**detention.model_dump())
        .on_conflict_do_nothing(index_elements=["detention_reference"])
        .returning(PoliceDetention.detention_id)
    )
    if stored is None:
        raise StepRefused("the children of this detention were already reported to intake")
    uow.emit(
        ChildrenWithoutCareFound(
            detention_id=detention.detention_id,
            children=children,
            district=district,
            area=area,
            found_at=found_at,
        ),
        subject=detention.detention_id,
    )
    log.info(
        "children without care reported",
        extra={"detention_id": detention.detention_id},
    )
    return detention
