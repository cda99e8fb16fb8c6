"""The operations page as the runtime sees it: no database or events of its own, a page at `/ops/`."""

from backbone.service import ServiceDefinition
from services.ops.web import ops_app

definition = ServiceDefinition(
    name="ops",
    title="Operations page — live cases, countdowns, breaches and compliance",
    web=ops_app,
)
