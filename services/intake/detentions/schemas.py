"""The body of `POST /intake/v1/detentions`: a detention and the detained person's children without care.

The police ask every detained suspect whether minor children need care (DOMAIN.md, police duties) and
give the children to intake, the only holder of children's personal data; police get back ids only.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from contracts.events.common import Area, DistrictCode, Gender
from services.intake.reports.schemas import (
    ADULT_AGE_YEARS,
    CHINA_TIME,
    CLOCK_SKEW_TOLERANCE,
    PersonName,
    _RequestBody,
    full_years_between,
    report_time,
)

# The shape of a resident ID only: a number the police got wrong is set aside, the child still reported.
ResidentIdShape = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^\d{17}[\dXx]$")
]
DetentionReference = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class DetainedPersonsChild(_RequestBody):
    name: PersonName = Field(description="The child's name; sealed at intake, never given back to the police")
    gender: Gender = Field(description="female, male or unknown")
    birth_date: date | None = Field(default=None, description="The child's birth date; this or age")
    age: int | None = Field(
        default=None,
        ge=0,
        lt=ADULT_AGE_YEARS,
        validate_default=True,
        description="The child's age in years, when the birth date is not known",
    )
    id_number: ResidentIdShape | None = Field(
        default=None,
        description="Resident ID as the police recorded it; one that fails its check is set aside",
    )
    district: DistrictCode = Field(description="6-digit administrative code of the child's residence")

    @field_validator("birth_date")
    @classmethod
    def _minor(cls, value: date | None, info: ValidationInfo) -> date | None:
        today = report_time(info).astimezone(CHINA_TIME).date()
        if value is not None and (value > today or full_years_between(value, today) >= ADULT_AGE_YEARS):
            raise ValueError("must be the birth date of a child under 18")
        return value

    @field_validator("age")
    @classmethod
    def _birth_date_or_age(cls, value: int | None, info: ValidationInfo) -> int | None:
        if value is None and info.data.get("birth_date") is None and "birth_date" in info.data:
            raise ValueError("give the child's birth_date or age")
        return value


class DetentionSubmission(_RequestBody):
    """The police's detention with the children left without care, v1."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "detention_reference": "潍公(城)拘字〔2026〕0001号",
                    "district": "370702",
                    "area": "urban",
                    "children": [
                        {"name": "王小红", "gender": "female", "age": 6, "district": "370702"},
                        {
                            "name": "王小刚",
                            "gender": "male",
                            "birth_date": "2019-05-01",
                            "district": "370702",
                        },
                    ],
                }
            ]
        }
    )

    detention_reference: DetentionReference = Field(description="The police's own case reference")
    district: DistrictCode = Field(description="6-digit administrative code where the children are")
    area: Area = Field(description="urban, suburban or rural")
    found_at: AwareDatetime | None = Field(default=None, description="When the police learnt; default now")
    children: list[DetainedPersonsChild] = Field(
        min_length=1, max_length=20, description="The detained person's minor children left without care"
    )

    @field_validator("found_at")
    @classmethod
    def _not_in_the_future(cls, value: datetime | None, info: ValidationInfo) -> datetime | None:
        if value is not None and value > report_time(info) + CLOCK_SKEW_TOLERANCE:
            raise ValueError("found_at is in the future")
        return value


class DetentionChildView(BaseModel):
    report_id: str = Field(description="The report intake made for the child")
    case_id: str = Field(description="The child's case, opened or joined")
    child_id: str = Field(description="Intake's pseudonymous id of the child's file")
    new_case: bool = Field(description="Whether the report opened a new case")


class DetentionView(BaseModel):
    """What the police learn: the detention's id and, per child in the order given, the case opened."""

    detention_id: str = Field(description="Intake's id of the detention")
    detention_reference: str = Field(description="The police's own case reference")
    children_count: int = Field(description="Children received")
    found_at: datetime = Field(description="When the police learnt the children were without care")
    received_at: datetime = Field(description="When intake received them")
    children: list[DetentionChildView] = Field(
        description="Per child, in the order given, its report and case",
    )


class AlreadyReported(BaseModel):
    msg: str = Field(description="Why: this detention's children were already reported")
    detention_id: str = Field(description="The detention that holds them, to read with GET")


class DetentionConflict(BaseModel):
    """The 409 of a detention reported twice: the first report's id."""

    detail: AlreadyReported = Field(description="What was refused and where the first report is")
