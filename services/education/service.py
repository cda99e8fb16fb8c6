"""The education service as the runtime sees it."""

from backbone.service import ServiceDefinition

definition = ServiceDefinition(
    name="education",
    title="Education — schooling support (教育帮扶)",
)
