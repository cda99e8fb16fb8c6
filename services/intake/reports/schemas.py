"""The body of `POST /intake/v1/reports`: a report (强制报告 / 来电) about one child.

Time-dependent checks read "now" from the pydantic validation context so that tests and replays
can fix it: `ReportSubmission.model_validate(data, context={"now": aware_datetime})`. Without a
context the current UTC time is used, which is what FastAPI request validation gets.
"""

from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from contracts.events.common import Area, Category, Gender
from services.intake.reports import resident_id

# Birth dates and ages are civil dates in China: "today" starts at midnight in Beijing, not in UTC.
CHINA_TIME = ZoneInfo("Asia/Shanghai")
ADULT_AGE_YEARS = 18
# Reporters' devices and hotline workstations drift; a few minutes ahead is a clock, not a lie.
CLOCK_SKEW_TOLERANCE = timedelta(minutes=5)

DistrictCode = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9]{6}$")]
PersonName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
PhoneNumber = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9][0-9 -]{4,18}[0-9]$")
]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000)]


# Fictitious: the resident ID's region 990101 is no administrative division (provinces run 11-82); its
# birth date, sex digit and check character follow GB 11643, as intake checks them.
EXAMPLE_REPORT: dict[str, Any] = {
    "source": "school",
    "reporter": {"name": "李老师", "organization": "实验小学", "phone": "13800000000"},
    "child": {
        "name": "王小明",
        "gender": "male",
        "birth_date": "2017-03-15",
        "id_number": "990101201703150016",
        "district": "370702",
        "school": "实验小学",
    },
    "incident": {
        "categories": ["abuse", "injury"],
        "description": "Bruises on both arms; he says his father beat him last night",
        "occurred_at": "2026-11-25T20:00:00+08:00",
        "location": {"district": "370702", "area": "urban"},
        "immediate_danger": True,
        "injured": True,
        "suspected_offender_relation": "parent",
    },
}


class ReportSource(StrEnum):
    HOTLINE_12355 = "hotline_12355"
    SCHOOL = "school"
    KINDERGARTEN = "kindergarten"
    HOSPITAL = "hospital"
    VILLAGE_COMMITTEE = "village_committee"
    POLICE = "police"
    WELFARE_INSTITUTION = "welfare_institution"
    SOCIAL_WORKER = "social_worker"
    PUBLIC = "public"


# The shared vocabularies are the contracts' own, so the API and the events cannot drift apart.
ChildCategory = Category


class OffenderRelation(StrEnum):
    PARENT = "parent"
    OTHER_GUARDIAN = "other_guardian"
    RELATIVE = "relative"
    TEACHER_OR_CARER = "teacher_or_carer"
    ACQUAINTANCE = "acquaintance"
    STRANGER = "stranger"
    UNKNOWN = "unknown"


def full_years_between(born: date, on: date) -> int:
    """Completed years of age on a date; someone born on 29 February turns a year older on 1 March."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def report_time(info: ValidationInfo) -> datetime:
    context: Any = info.context
    now = context.get("now") if isinstance(context, dict) else None
    if now is None:
        return datetime.now(UTC)
    # A TypeError, not a ValueError, so that a caller's mistake is not reported as the reporter's.
    if not isinstance(now, datetime) or now.utcoffset() is None:
        raise TypeError("validation context 'now' must be a timezone-aware datetime")
    return now


def _check_child_birth_date(born: date, info: ValidationInfo, *, whose: str) -> None:
    today = report_time(info).astimezone(CHINA_TIME).date()
    if born > today:
        raise ValueError(f"{whose} is in the future")
    if full_years_between(born, today) >= ADULT_AGE_YEARS:
        raise ValueError(f"{whose} makes the child {ADULT_AGE_YEARS} or older at the time of the report")


class _RequestBody(BaseModel):
    # Forbidding unknown fields turns a misspelt optional field into an error instead of lost facts;
    # hiding inputs keeps children's personal data out of logged validation errors.
    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)


class Reporter(_RequestBody):
    name: PersonName = Field(description="The reporter's name; sealed at intake, shown masked")
    organization: ShortText | None = Field(
        default=None, description="The school, hospital, committee or institution reporting, if any"
    )
    phone: PhoneNumber = Field(description="How to reach the reporter; sealed at intake, shown masked")
    # Minors Protection Law art. 11: the receiving department tells the reporter the outcome.
    wants_feedback: bool = Field(
        default=True,
        description="Whether the reporter is to be told the outcome (starts `reporter.feedback`)",
    )


class Child(_RequestBody):
    # Field order matters: validators of later fields compare against earlier, already valid ones.
    name: PersonName | None = Field(default=None, description="null when unknown, e.g. an abandoned infant")
    birth_date: date | None = Field(default=None, description="The child's birth date, if known; under 18")
    age: int | None = Field(default=None, ge=0, lt=ADULT_AGE_YEARS, description="reporter's estimate")
    id_number: str | None = Field(
        default=None,
        description="18-character resident ID (公民身份号码); its check character, birth date and sex "
        "must agree",
    )
    gender: Gender = Field(description="female, male or unknown")
    district: DistrictCode = Field(description="6-digit administrative code of the child's residence")
    school: ShortText | None = Field(default=None, description="The child's school, if any")

    @field_validator("birth_date")
    @classmethod
    def _birth_date_is_a_minors(cls, value: date | None, info: ValidationInfo) -> date | None:
        if value is not None:
            _check_child_birth_date(value, info, whose="birth date")
        return value

    @field_validator("id_number")
    @classmethod
    def _id_number_is_valid_and_agrees(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        normalized = resident_id.validate(value)
        born = resident_id.birth_date_of(normalized)
        _check_child_birth_date(born, info, whose="the birth date in the resident ID")
        declared_birth_date = info.data.get("birth_date")
        if declared_birth_date is not None and declared_birth_date != born:
            raise ValueError("the birth date in the resident ID disagrees with birth_date")
        return normalized

    @field_validator("gender")
    @classmethod
    def _gender_agrees_with_id_number(cls, value: Gender, info: ValidationInfo) -> Gender:
        id_number = info.data.get("id_number")
        if id_number is not None and value is not Gender.UNKNOWN and resident_id.sex_of(id_number) != value:
            raise ValueError("gender disagrees with the sex encoded in the resident ID")
        return value


class IncidentLocation(_RequestBody):
    district: DistrictCode = Field(
        description="6-digit administrative code where it happens: routes the case",
    )
    address: ShortText | None = Field(default=None, description="Where exactly; sealed at intake")
    area: Area = Field(description="urban, suburban or rural: sets the police arrival target")


class Incident(_RequestBody):
    categories: list[ChildCategory] = Field(
        min_length=1, description="What the child faces (困境儿童 categories); routing's rules read them"
    )
    description: Description = Field(description="What was seen or heard, in the reporter's words; sealed")
    occurred_at: AwareDatetime = Field(description="When it happened (or was noticed), with a time zone")
    location: IncidentLocation = Field(description="Where it happened")
    immediate_danger: bool = Field(
        description="The child is in danger now: P1, police dispatch at the first moment",
    )
    injured: bool = Field(description="The child is injured: a referral to health")
    suspected_offender_relation: OffenderRelation | None = Field(
        default=None, description="Who is suspected of harming the child, by relation"
    )

    @field_validator("categories")
    @classmethod
    def _without_repeats(cls, value: list[ChildCategory]) -> list[ChildCategory]:
        return list(dict.fromkeys(value))

    @field_validator("occurred_at")
    @classmethod
    def _not_in_the_future(cls, value: datetime, info: ValidationInfo) -> datetime:
        if value > report_time(info) + CLOCK_SKEW_TOLERANCE:
            raise ValueError("occurred_at is in the future")
        return value


class ReportSubmission(_RequestBody):
    """A report submitted to intake, v1."""

    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_REPORT]})

    source: ReportSource = Field(
        description="Who reports: the 12355 hotline, a mandatory reporter, the public",
    )
    reporter: Reporter = Field(description="Who reports, to be told the outcome")
    child: Child = Field(description="The child the report is about")
    incident: Incident = Field(description="What is happening to the child")

    def child_age_years(self, at: date) -> int | None:
        """The child's age in completed years on `at`, or None when nothing about it is known.

        A birth date (given, or embedded in the resident ID) is exact. Otherwise the reporter's
        estimated age is returned as it stands: it was an estimate at report time and is not aged.
        """
        born = self.child.birth_date
        if born is None and self.child.id_number is not None:
            born = resident_id.birth_date_of(self.child.id_number)
        if born is None:
            return self.child.age
        if at < born:
            raise ValueError("cannot tell a child's age on a date before their birth")
        return full_years_between(born, at)
