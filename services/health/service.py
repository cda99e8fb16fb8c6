"""The health service as the runtime sees it."""

from backbone.service import ServiceDefinition

definition = ServiceDefinition(
    name="health",
    title="Health — medical protection (医疗保护)",
)
