"""Vocabularies shared by several services' events (codes from DOMAIN.md)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field


class Agency(StrEnum):
    POLICE = "police"
    HEALTH = "health"
    EDUCATION = "education"
    CIVIL_AFFAIRS = "civil_affairs"


class Priority(StrEnum):
    P1 = "P1"  # immediate danger
    P2 = "P2"  # harm has happened, the child is now safe
    P3 = "P3"  # need without danger


class Area(StrEnum):
    URBAN = "urban"
    SUBURBAN = "suburban"
    RURAL = "rural"


class Role(StrEnum):
    LEAD = "lead"  # 牵头部门
    RESPONSIBLE = "responsible"  # 责任部门


class Category(StrEnum):
    POVERTY = "poverty"
    DISABILITY = "disability"
    GUARDIANSHIP_FAILURE = "guardianship_failure"
    ABUSE = "abuse"
    ABANDONMENT = "abandonment"
    INJURY = "injury"
    UNLAWFUL_HARM = "unlawful_harm"
    STREET_CHILD = "street_child"
    LEFT_BEHIND = "left_behind"
    DE_FACTO_UNATTENDED = "de_facto_unattended"
    MISSING = "missing"
    DROPOUT = "dropout"
    MENTAL_HEALTH = "mental_health"


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"
    UNKNOWN = "unknown"


DistrictCode = Annotated[str, Field(pattern=r"^\d{6}$", description="6-digit administrative division code")]
