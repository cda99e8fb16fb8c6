"""The civil_affairs service as the runtime sees it."""

from backbone.service import ServiceDefinition

definition = ServiceDefinition(
    name="civil_affairs",
    title="Civil affairs — assessment, assistance and guardianship (评估帮扶, 监护干预)",
)
