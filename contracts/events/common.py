"""Vocabularies shared by several services' events (codes from DOMAIN.md)."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
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


DECLINE_REASONS_PATH = Path(__file__).resolve().parents[1] / "policies" / "decline_reasons.v1.json"
DECLINE_REASONS: dict[str, str] = json.loads(DECLINE_REASONS_PATH.read_text(encoding="utf-8"))["reasons"]
# The published list (contracts/policies/decline_reasons.v1.json) as an enum, so the OpenAPI document of
# every decline route and the event schemas list the codes.
DeclineReason = StrEnum("DeclineReason", {code.upper(): code for code in DECLINE_REASONS})
DeclineReason.__doc__ = "Why an agency declines a referral (contracts/policies/decline_reasons.v1.json)."
