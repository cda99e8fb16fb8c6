"""What the deadlines feature adds to the routing service, in one place for its ServiceDefinition."""

from pathlib import Path

from services.routing.deadlines.observe import observe_envelopes
from services.routing.deadlines.timer import run_deadline_timer
from services.routing.deadlines.views import router

ROUTERS = (router,)
ENVELOPE_OBSERVERS = (observe_envelopes,)
BACKGROUND = (run_deadline_timer,)
MIGRATIONS = (Path(__file__).resolve().parent / "migrations",)
