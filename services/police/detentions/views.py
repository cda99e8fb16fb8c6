"""`POST /v1/detentions`: a detained person has minor children left without care."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import AwareDatetime, BaseModel, Field, StringConstraints, ValidationInfo, field_validator

from backbone.clock import utcnow
from backbone.service import get_uow
from backbone.uow import UnitOfWork
from contracts.events.common import Area, DistrictCode, Gender
from contracts.events.police import ChildWithoutCare
from services.agency.errors import run_step
from services.agency.referrals.schemas import Body, Label
from services.agency.timing import happened_at
from services.police.detentions.service import report_children_without_care

router = APIRouter(prefix="/v1/detentions", tags=["detentions"])
# The shape of a resident ID only: intake, which keeps the child's file, checks the number itself.
ResidentId = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^\d{17}[\dXx]$")
]


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class ChildBody(Body):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
    gender: Gender
    birth_date: date | None = None
    age: int | None = Field(default=None, ge=0, le=17, validate_default=True)
    id_number: ResidentId | None = None
    district: DistrictCode

    @field_validator("birth_date")
    @classmethod
    def _minor(cls, value: date | None) -> date | None:
        today = utcnow().date()
        if value is not None and (value > today or value <= _years_before(today, 18)):
            raise ValueError("must be the birth date of a child under 18")
        return value

    @field_validator("age")
    @classmethod
    def _birth_date_or_age(cls, value: int | None, info: ValidationInfo) -> int | None:
        if value is None and info.data.get("birth_date") is None and "birth_date" in info.data:
            raise ValueError("give the child's birth_date or age")
        return value


class DetentionBody(Body):
    detention_reference: Label
    district: DistrictCode
    area: Area
    found_at: AwareDatetime | None = None
    children: list[ChildBody] = Field(min_length=1, max_length=20)


class DetentionView(BaseModel):
    detention_id: str
    detention_reference: str
    children_count: int
    found_at: datetime


@router.post("", status_code=201)
async def report_detention(body: DetentionBody, uow: UnitOfWork = Depends(get_uow)) -> DetentionView:
    return await run_step(
        uow,
        lambda: report_children_without_care(
            uow=uow,
            detention_reference=body.detention_reference,
            district=body.district,
            area=body.area,
            children=[ChildWithoutCare(**child.model_dump()) for child in body.children],
            found_at=happened_at(body.found_at, field="found_at"),
        ),
        lambda detention: DetentionView.model_validate(detention, from_attributes=True),
    )
