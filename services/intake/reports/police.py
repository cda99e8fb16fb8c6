"""Reports made from the police's finding that a detained person's children have no care.

The police ask every detained suspect whether minor children need care (DOMAIN.md, police duties);
each child named becomes a report with source `police`, received through the same code path as a
submitted report. The children come in `POST /intake/v1/detentions`, or in the older event
police.children_without_care_found.v1 that intake still accepts.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Protocol

from pydantic import ValidationError

from contracts.events.police import ChildrenWithoutCareFound, ChildWithoutCare
from services.intake.children.matching import Identity, age_on
from services.intake.reports.schemas import (
    CHINA_TIME,
    Child,
    ChildCategory,
    Incident,
    ReportSource,
)
from services.intake.reports.service import NewReport

log = logging.getLogger(__name__)
# Minors Protection Law art. 21: a child under eight must not be left without someone watching them.
UNATTENDED_DANGER_BELOW_AGE = 8
CATEGORIES = [ChildCategory.DE_FACTO_UNATTENDED, ChildCategory.GUARDIANSHIP_FAILURE]
# Fields the police may have got wrong; a child without care is reported without them, never dropped.
_DROPPABLE = ("name", "birth_date", "age", "id_number", "school")


class Detention(Protocol):
    """A detention as the police give it: the old event, or the body of `POST /intake/v1/detentions`."""

    @property
    def detention_id(self) -> str: ...
    @property
    def district(self) -> str: ...
    @property
    def area(self) -> str: ...
    @property
    def found_at(self) -> datetime: ...


def police_reports(
    event: ChildrenWithoutCareFound, *, event_id: str | None, now: datetime
) -> list[NewReport]:
    """One report per child the police found without care."""
    return [police_report(event, child, event_id=event_id, now=now) for child in event.children]


def police_report(
    event: Detention, found: ChildWithoutCare, *, event_id: str | None, now: datetime
) -> NewReport:
    """The report about one child without care."""
    child = _child(found, detention_id=event.detention_id, now=now)
    age = age_on(Identity.of(child), estimate=child.age, on=now.astimezone(CHINA_TIME).date())
    incident = Incident.model_validate(
        {
            "categories": CATEGORIES,
            "description": (
                f"Police detention {event.detention_id}: the detained person's minor child has no one "
                "to care for them (被羁押人员的未成年子女无人照料)."
            ),
            # A police clock running ahead must not make the report "in the future" and lose the child.
            "occurred_at": min(event.found_at, now),
            "location": {"district": event.district, "area": event.area},
            "immediate_danger": in_immediate_danger(age),
            "injured": False,
        },
        context={"now": now},
    )
    return NewReport(
        source=ReportSource.POLICE,
        reporter=None,
        child=child,
        incident=incident,
        source_event_id=event_id,
    )


def in_immediate_danger(age_years: int | None) -> bool:
    """A young child alone is in immediate danger; so is a child whose age nobody knows."""
    return age_years is None or age_years < UNATTENDED_DANGER_BELOW_AGE


def _child(found: ChildWithoutCare, *, detention_id: str, now: datetime) -> Child:
    data: dict[str, Any] = found.model_dump(mode="json", exclude_none=True)
    for _ in range(2):
        try:
            return Child.model_validate(data, context={"now": now})
        except ValidationError as error:
            bad = {str(e["loc"][0]) for e in error.errors() if e["loc"]}
            log.warning(
                "police child data partly invalid; reporting the child without it",
                extra={"detention_id": detention_id, "fields": sorted(bad)},
            )
            data = {k: v for k, v in data.items() if k not in bad or k not in _DROPPABLE}
            if "gender" in bad:
                data["gender"] = "unknown"
    return Child.model_validate(data, context={"now": now})
