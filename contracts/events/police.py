"""Events published by the police: emergency response (应急处置)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from contracts.catalogue import CATALOGUE
from contracts.envelope import Event
from contracts.events.common import Area, DistrictCode, Gender


class PoliceOutcome(StrEnum):
    CHILD_SAFE_WHERE_FOUND = "child_safe_where_found"
    ESCORTED_TO_RELATIVES = "escorted_to_relatives"
    ESCORTED_TO_TEMPORARY_CARE = "escorted_to_temporary_care"  # refers the child to civil affairs
    TAKEN_TO_HOSPITAL = "taken_to_hospital"  # refers the child to health
    CRIMINAL_CASE_OPENED = "criminal_case_opened"
    CHILD_NOT_FOUND = "child_not_found"


class PoliceDispatched(Event):
    """A unit was dispatched (第一时间出警): stops the first-dispatch clock, starts arrival."""

    TYPE = "police.dispatched.v1"

    referral_id: str
    case_id: str
    unit: str
    area: Area
    dispatched_at: AwareDatetime


class PoliceArrived(Event):
    """The unit is on scene."""

    TYPE = "police.arrived.v1"

    referral_id: str
    case_id: str
    arrived_at: AwareDatetime


class PoliceResolved(Event):
    """The police finished handling the incident with an outcome."""

    TYPE = "police.resolved.v1"

    referral_id: str
    case_id: str
    outcome: PoliceOutcome
    injury_found: bool = Field(description="Police found the child injured: may raise the priority")
    criminal_case_number: str | None = None
    resolved_at: AwareDatetime


class ChildWithoutCare(BaseModel):
    """What intake needs to open a child's file; intake is this event's only consumer."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    gender: Gender
    birth_date: date | None = None
    age: int | None = Field(default=None, ge=0, le=17)
    id_number: str | None = None
    district: DistrictCode


class ChildrenWithoutCareFound(Event):
    """A detained person has minor children left without care (询问是否有未成年子女需要照料).

    No longer published: it carried the children's personal data through the broker. The police give
    the children to intake (`POST /intake/v1/detentions`), which announces
    intake.detention_children_reported.v1. Intake still accepts this type from older publishers.
    """

    TYPE = "police.children_without_care_found.v1"

    detention_id: str
    children: list[ChildWithoutCare] = Field(min_length=1)
    district: DistrictCode
    area: Area
    found_at: AwareDatetime


CATALOGUE.register(PoliceDispatched, publishers=("police",), consumers=("routing",))
CATALOGUE.register(PoliceArrived, publishers=("police",), consumers=("routing",))
# Civil affairs observes outcomes for the temporary-care placement deadline it owns.
CATALOGUE.register(PoliceResolved, publishers=("police",), consumers=("routing", "civil_affairs"))
CATALOGUE.register(ChildrenWithoutCareFound, publishers=("police",), consumers=("intake",))
