"""The police service as the runtime sees it."""

from backbone.service import ServiceDefinition

definition = ServiceDefinition(
    name="police",
    title="Police — emergency response (应急处置)",
)
