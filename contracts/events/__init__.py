"""Every event type, one module per publisher; importing this package registers them all."""

from contracts.events import agencies, civil_affairs, education, health, intake, police, routing  # noqa: F401
