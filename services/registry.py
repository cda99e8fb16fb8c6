"""The services this project runs, as `python -m backbone.run` and each `services/<name>/main.py` start
them: the registry module the settings name (`BACKBONE_SERVICE_REGISTRY`, default this one)."""

from __future__ import annotations

import importlib

from backbone.service import ServiceDefinition
from contracts.catalogue import SERVICES

# The seven services of the event catalogue, then the pages for people (no events, no data of their own).
RUNNABLE = (*SERVICES, "ops")


def definition(name: str) -> ServiceDefinition:
    """A service's definition, from `services/<name>/service.py`."""
    if name not in RUNNABLE:
        raise LookupError(f"no service named {name!r}; runnable: {', '.join(RUNNABLE)}")
    return importlib.import_module(f"services.{name}.service").definition
