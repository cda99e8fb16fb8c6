"""Education support steps (教育帮扶): school contact, return-to-school plan, aid, psychological support."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import select

from backbone.clock import utcnow
from backbone.uow import UnitOfWork
from contracts.events.common import Agency
from contracts.events.education import (
    AidEnrolled,
    PsychologicalSupportStarted,
    ReturnPlanMade,
    SchoolContacted,
)
from services.agency.referrals.models import AgencyReferral
from services.agency.referrals.service import require_accepted
from services.agency.steps import begin_step
from services.education.schooling.models import EducationAidEnrolment, EducationFollowUp
from services.education.schooling.rules import (
    check_aid,
    check_psychological_support,
    check_return_plan,
    check_school_contact,
)

log = logging.getLogger(__name__)
Programme = Literal["fee_waiver", "grant", "living_subsidy"]
# School dates are the city's dates (the SLA policy's timezone).
LOCAL_ZONE = ZoneInfo("Asia/Shanghai")


def _follow_up(
    uow: UnitOfWork, check: Callable[[EducationFollowUp], None] | None = None
) -> Callable[[AgencyReferral], Awaitable[EducationFollowUp]]:
    """Opens the referral's follow-up (created on first use), then `check`s that the step is allowed."""

    async def open_follow_up(referral: AgencyReferral) -> EducationFollowUp:
        follow_up = await uow.session.get(EducationFollowUp, referral.referral_id)
        if follow_up is None:
            follow_up = EducationFollowUp(
                referral_id=referral.referral_id, case_id=referral.case_id, updated_at=utcnow()
            )
            uow.session.add(follow_up)
        if check is not None:
            check(follow_up)
        return follow_up

    return open_follow_up


async def contact_school(
    *,
    uow: UnitOfWork,
    referral_id: str,
    school: str,
    contacted_at: datetime | None = None,
    late_entry_reason: str | None = None,
) -> EducationFollowUp:
    """Record the school's contact with the child and family; stops education.follow_up."""
    referral, follow_up, at = await begin_step(
        uow=uow,
        agency=Agency.EDUCATION,
        referral_id=referral_id,
        open_record=_follow_up(uow, lambda f: check_school_contact(contacted=f.contacted_at is not None)),
        reported=contacted_at,
        field="contacted_at",
        late_entry_reason=late_entry_reason,
    )
    follow_up.school, follow_up.contacted_at, follow_up.updated_at = school, at, utcnow()
    uow.emit(
        SchoolContacted(referral_id=referral_id, case_id=referral.case_id, school=school, contacted_at=at),
        subject=referral.case_id,
    )
    log.info("school contacted", extra={"referral_id": referral_id})
    return follow_up


async def plan_return(
    *, uow: UnitOfWork, referral_id: str, school: str, planned_return_date: date
) -> EducationFollowUp:
    """Make the return-to-school plan for a child out of school; stops education.return_plan."""
    referral, follow_up, now = await begin_step(
        uow=uow, agency=Agency.EDUCATION, referral_id=referral_id, open_record=_follow_up(uow)
    )
    check_return_plan(
        contacted=follow_up.contacted_at is not None,
        planned=follow_up.plan_made_at is not None,
        planned_return_date=planned_return_date,
        today=now.astimezone(LOCAL_ZONE).date(),
    )
    follow_up.return_school, follow_up.planned_return_date = school, planned_return_date
    follow_up.plan_made_at = follow_up.updated_at = now
    uow.emit(
        ReturnPlanMade(
            referral_id=referral_id,
            case_id=referral.case_id,
            school=school,
            planned_return_date=planned_return_date,
            made_at=now,
        ),
        subject=referral.case_id,
    )
    log.info("return plan made", extra={"referral_id": referral_id})
    return follow_up


async def enrol_aid(*, uow: UnitOfWork, referral_id: str, programme: Programme) -> list[str]:
    """Enrol the child in a fee waiver, grant or living subsidy; returns every programme enrolled."""
    referral = await require_accepted(uow=uow, agency=Agency.EDUCATION, referral_id=referral_id)
    enrolled = set(
        await uow.session.scalars(
            select(EducationAidEnrolment.programme).where(EducationAidEnrolment.referral_id == referral_id)
        )
    )
    check_aid(programme=programme, enrolled=enrolled)
    now = utcnow()
    uow.session.add(
        EducationAidEnrolment(
            referral_id=referral_id, programme=programme, case_id=referral.case_id, enrolled_at=now
        )
    )
    uow.emit(
        AidEnrolled(referral_id=referral_id, case_id=referral.case_id, programme=programme, enrolled_at=now),
        subject=referral.case_id,
    )
    log.info("aid enrolled", extra={"referral_id": referral_id})
    return sorted({*enrolled, programme})


async def start_psychological_support(
    *,
    uow: UnitOfWork,
    referral_id: str,
    started_at: datetime | None = None,
    late_entry_reason: str | None = None,
) -> EducationFollowUp:
    """Record that the school's psychological support began for the child."""
    referral, follow_up, at = await begin_step(
        uow=uow,
        agency=Agency.EDUCATION,
        referral_id=referral_id,
        open_record=_follow_up(
            uow, lambda f: check_psychological_support(started=f.psychological_support_started_at is not None)
        ),
        reported=started_at,
        field="started_at",
        late_entry_reason=late_entry_reason,
    )
    follow_up.psychological_support_started_at, follow_up.updated_at = at, utcnow()
    uow.emit(
        PsychologicalSupportStarted(referral_id=referral_id, case_id=referral.case_id, started_at=at),
        subject=referral.case_id,
    )
    log.info("psychological support started", extra={"referral_id": referral_id})
    return follow_up
