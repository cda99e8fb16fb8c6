"""Every event type, one module per publishing service; importing this package registers them all."""

from contracts.events import intake  # noqa: F401
