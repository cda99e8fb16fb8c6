"""The routing service as the runtime sees it."""

from backbone.service import ServiceDefinition

definition = ServiceDefinition(
    name="routing",
    title="Routing — triage, referrals, case view and deadlines",
)
