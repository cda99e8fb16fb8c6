"""Onward referrals (转诊) an agency's finding calls for, as the routing rules' `finding_tasks` say."""

from __future__ import annotations

import logging

from backbone.uow import UnitOfWork
from contracts.envelope import CloudEvent
from services.routing.cases import store
from services.routing.cases.decisions import new_referrals
from services.routing.cases.facts import case_priority, current_rules
from services.routing.cases.models import RoutingCase
from services.routing.cases.referrals import refer_planned
from services.routing.triage.findings import FINDING_REASON, finding_referrals

log = logging.getLogger(__name__)


async def refer_on_finding(*, uow: UnitOfWork, case: RoutingCase, envelope: CloudEvent) -> int:
    """Make the referrals the finding calls for that the case does not hold yet; how many were made."""
    rules = current_rules()
    planned = finding_referrals(envelope.type, envelope.data, priority=case_priority(case), rules=rules)
    if not planned:
        return 0
    existing = await store.referral_keys(session=uow.session, case_id=case.case_id)
    made = await refer_planned(
        uow=uow,
        case=case,
        planned=new_referrals(planned, existing),
        reason=FINDING_REASON,
        rule_version=rules.version,
    )
    log.info("finding referred on", extra={"case_id": case.case_id, "referrals": made})
    return made
