"""The education service as the runtime sees it: the shared referral inbox plus schooling support."""

from pathlib import Path

from backbone.service import ServiceDefinition
from contracts.events.common import Agency
from services.agency import AGENCY_MIGRATIONS
from services.agency.access import referral_loaders
from services.agency.deadlines.views import deadlines_router
from services.agency.metrics import inbox_gauges
from services.agency.referrals import addressed_by_headers, addressed_to, referral_handlers, referrals_router
from services.education.schooling.views import router as schooling_router

definition = ServiceDefinition(
    name="education",
    title="Education — schooling support (教育帮扶)",
    description=(
        "Education support (教育帮扶) and keeping every child in school (控辍保学): the inbox of "
        "referrals routing addressed to education in the caller's districts — accept (受理), decline, "
        "complete — and the steps on an accepted one: contacting the school and family (stops "
        "`education.follow_up`), a return-to-school plan (stops `education.return_plan`), school aid "
        "programmes and school psychological support. Education sees ids, codes and masked names only."
    ),
    routers=(deadlines_router(Agency.EDUCATION), referrals_router(Agency.EDUCATION), schooling_router),
    handlers={**referral_handlers(Agency.EDUCATION)},
    accepts=addressed_to(Agency.EDUCATION),
    accepts_headers=addressed_by_headers(Agency.EDUCATION),
    metrics=(inbox_gauges,),
    resources=referral_loaders(Agency.EDUCATION),
    migrations=(AGENCY_MIGRATIONS, Path(__file__).resolve().parent / "migrations"),
)
