"""The intake service as the runtime sees it."""

from backbone.service import ServiceDefinition

definition = ServiceDefinition(
    name="intake",
    title="Intake — mandatory reports and the 12355 hotline (强制报告)",
)
