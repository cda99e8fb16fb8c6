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

definition = ServiceDefinition(
    name="routing",
    title="Routing — triage, referrals, case view and deadlines",
    routers=(cases_router, lifecycle_router, transfers_router, *deadlines.ROUTERS),
    handlers=HANDLERS,
    migrations=(Path(__file__).parent / "migrations", *deadlines.MIGRATIONS),
    envelope_observers=deadlines.ENVELOPE_OBSERVERS,
    background=deadlines.BACKGROUND,
    metrics=(routing_gauges,),
    resources=RESOURCES,
)
