"""The health service as the runtime sees it: the shared referral inbox plus medical protection."""

from pathlib import Path

from backbone.service import ServiceDefinition
from contracts.events.common import Agency
from services.agency import AGENCY_MIGRATIONS
from services.agency.access import referral_loaders
from services.agency.deadlines.views import deadlines_router
from services.agency.metrics import inbox_gauges
from services.agency.referrals import addressed_by_headers, addressed_to, referral_handlers, referrals_router
from services.health.treatment.views import router as treatment_router

definition = ServiceDefinition(
    name="health",
    title="Health — medical protection (医疗保护)",
    description=(
        "Medical protection (医疗保护): the inbox of referrals routing addressed to health in the "
        "caller's districts — accept (受理), decline, complete — and the treatment of the child: "
        "admission under first-diagnosis responsibility, treat first and settle later "
        "(首诊负责制，先救治后结算; accepts an emergency referral on the spot and stops "
        "`health.admission`), findings of injury that may raise the case's priority, a mental-health "
        "assessment and discharge. Health sees ids, codes and masked names only."
    ),
    routers=(deadlines_router(Agency.HEALTH), referrals_router(Agency.HEALTH), treatment_router),
    handlers={**referral_handlers(Agency.HEALTH)},
    accepts=addressed_to(Agency.HEALTH),
    accepts_headers=addressed_by_headers(Agency.HEALTH),
    metrics=(inbox_gauges,),
    resources=referral_loaders(Agency.HEALTH),
    migrations=(AGENCY_MIGRATIONS, Path(__file__).resolve().parent / "migrations"),
)
