"""The routing service as the runtime sees it: cases and referrals, and the durable deadlines."""

from pathlib import Path

from backbone.service import ServiceDefinition
from services.routing.access import RESOURCES
from services.routing.cases.handlers import HANDLERS
from services.routing.cases.views import router as cases_router
from services.routing.deadlines import feature as deadlines
from services.routing.lifecycle.views import router as lifecycle_router
from services.routing.metrics import routing_gauges
from services.routing.transfers.views import router as transfers_router
from sla import holidays

definition = ServiceDefinition(
    name="routing",
    title="Routing — triage, referrals, case view and deadlines",
    description=(
        "Triage and referral (转介): routing grades each new case P1, P2 or P3 from the policy's rules, "
        "makes one referral per agency and task (lead 牵头 or responsible 责任), re-grades when reports, "
        "police outcomes or health findings come in, and hands declined work on or to the joint meeting "
        "office (联席会议办公室). It keeps the case view every agency shares (masked child, referrals, "
        "timeline) and the durable deadline clocks — the police's first-moment dispatch (第一时间出警), "
        "acceptance (受理), admission, assessment, guardianship decision, placement, school follow-up, "
        "reporter feedback, child director visits — with pause and resume, the working-day calendar and "
        "compliance figures for supervision (督查考核)."
    ),
    routers=(cases_router, lifecycle_router, transfers_router, *deadlines.ROUTERS),
    handlers=HANDLERS,
    migrations=(Path(__file__).parent / "migrations", *deadlines.MIGRATIONS),
    envelope_observers=deadlines.ENVELOPE_OBSERVERS,
    background=deadlines.BACKGROUND,
    metrics=(routing_gauges,),
    resources=RESOURCES,
    # Working-day deadlines count the holiday calendar: loaded before the service starts, its coverage
    # reported by /readyz.
    prepare=(holidays.install_configured,),
    readiness={"calendar": holidays.calendar_status},
)
