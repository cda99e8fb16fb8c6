"""The police service as the runtime sees it: the shared referral inbox plus emergency response."""

from pathlib import Path

from backbone.service import ServiceDefinition
from contracts.events.common import Agency
from services.agency import AGENCY_MIGRATIONS
from services.agency.access import detention_facts, referral_loaders
from services.agency.deadlines.views import deadlines_router
from services.agency.metrics import inbox_gauges
from services.agency.referrals import addressed_by_headers, addressed_to, referral_handlers, referrals_router
from services.police.detentions.handlers import handle_detention_children_reported
from services.police.detentions.views import router as detentions_router
from services.police.response.service import check_response_resolved
from services.police.response.views import router as response_router

definition = ServiceDefinition(
    name="police",
    title="Police — emergency response (应急处置)",
    description=(
        "The police's part of a case, emergency response (应急处置): the inbox of referrals routing "
        "addressed to the police in the caller's districts, accepting (受理), declining or completing "
        "them, and the response itself — dispatch at the first moment (第一时间出警, which accepts an "
        "emergency referral on the spot and stops the `police.first_dispatch` clock), arrival on the "
        "scene (`police.arrival`) and the outcome (escort to relatives or temporary care, hospital, "
        "criminal case). Detentions whose children intake received are read here by id; the children "
        "themselves go to intake (`POST /intake/v1/detentions`)."
    ),
    routers=(
        deadlines_router(Agency.POLICE),
        referrals_router(Agency.POLICE, completion_guard=check_response_resolved),
        response_router,
        detentions_router,
    ),
    handlers={
        **referral_handlers(Agency.POLICE),
        "intake.detention_children_reported": handle_detention_children_reported,
    },
    accepts=addressed_to(Agency.POLICE),
    accepts_headers=addressed_by_headers(Agency.POLICE),
    metrics=(inbox_gauges,),
    resources={**referral_loaders(Agency.POLICE), "detention": detention_facts},
    migrations=(AGENCY_MIGRATIONS, Path(__file__).resolve().parent / "migrations"),
)
