"""The catalogue: every event type, its topic, its publisher and its consumers, in one place.

Schemas, the AsyncAPI document and the services' subscriptions are all checked against it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from contracts.envelope import Event

_TYPE_NAME = re.compile(r"^(?P<family>[a-z_]+(?:\.[a-z_]+)+)\.v(?P<version>\d+)$")
SERVICES = ("intake", "routing", "police", "education", "health", "civil_affairs", "notifications")
# Pushes every event addressed to an agency to the agency's own systems (webhooks): an event whose
# model has an `agency` field is addressed to that agency, so the catalogue lists this service as its
# consumer without each registration saying so (and the Kafka ACLs follow).
PUSH_SERVICE = "notifications"


def topic_of(service: str) -> str:
    """Each service publishes on one topic of its own, so one relay keeps a case's events in order."""
    return f"{service}.events"


def dead_letter_topic(service: str) -> str:
    """Where a consumer parks what it cannot apply, with the reason."""
    return f"{service}.dlq"


@dataclass(frozen=True)
class EventSpec:
    model: type[Event]
    publishers: tuple[str, ...]
    consumers: tuple[str, ...]
    summary: str

    @property
    def type(self) -> str:
        return self.model.TYPE

    @property
    def family(self) -> str:
        return family_of(self.type)

    @property
    def version(self) -> int:
        return version_of(self.type)

    @property
    def topics(self) -> tuple[str, ...]:
        """Each publisher's own topic: an event type shared by agencies travels on each agency's topic."""
        return tuple(topic_of(p) for p in self.publishers)


def family_of(type_name: str) -> str:
    """`report.received.v2` -> `report.received`."""
    match = _TYPE_NAME.match(type_name)
    if not match:
        raise ValueError(f"event type {type_name!r} does not end in .v<N>")
    return match["family"]


def version_of(type_name: str) -> int:
    """`report.received.v2` -> 2."""
    match = _TYPE_NAME.match(type_name)
    if not match:
        raise ValueError(f"event type {type_name!r} does not end in .v<N>")
    return int(match["version"])


class UnknownEventType(LookupError):
    pass


class Catalogue:
    def __init__(self, services: tuple[str, ...] = SERVICES) -> None:
        self._specs: dict[str, EventSpec] = {}
        self._services = services

    def register(
        self,
        model: type[Event],
        *,
        publishers: tuple[str, ...],
        consumers: tuple[str, ...] = (),
        summary: str = "",
    ) -> type[Event]:
        """Add an event type; the same type name twice is a programming error."""
        if model.TYPE in self._specs:
            raise ValueError(f"event type {model.TYPE} registered twice")
        unknown = {*publishers, *consumers} - set(self._services)
        if unknown or not publishers:
            raise ValueError(f"{model.TYPE}: unknown services {sorted(unknown)} or no publisher")
        version_of(model.TYPE)
        addressed = "agency" in model.model_fields and PUSH_SERVICE in self._services
        if addressed and PUSH_SERVICE not in consumers:
            consumers = (*consumers, PUSH_SERVICE)
        self._specs[model.TYPE] = EventSpec(model, publishers, consumers, summary or (model.__doc__ or ""))
        return model

    def spec(self, type_name: str) -> EventSpec:
        """The entry for an exact type name."""
        try:
            return self._specs[type_name]
        except KeyError:
            raise UnknownEventType(type_name) from None

    def specs(self) -> list[EventSpec]:
        """Every entry, ordered by type name and version."""
        return sorted(self._specs.values(), key=lambda s: (s.family, s.version))

    def latest(self, family: str) -> EventSpec:
        """The newest version of a family: consumers handle this one and upcast older ones to it."""
        versions = [s for s in self._specs.values() if s.family == family]
        if not versions:
            raise UnknownEventType(family)
        return max(versions, key=lambda s: s.version)

    def parse(self, type_name: str, data: dict) -> Event:
        """Validate data of any catalogued version and upcast it to the family's latest model.

        Later versions only add optional fields, so older data validates against the newest model.
        """
        self.spec(type_name).model.model_validate(data)
        return self.latest(family_of(type_name)).model.model_validate(data)

    def consumed_by(self, service: str) -> list[EventSpec]:
        """Every entry a service consumes."""
        return [s for s in self.specs() if service in s.consumers]

    def topics(self) -> list[str]:
        """Every topic that carries catalogued events."""
        return sorted({t for s in self._specs.values() for t in s.topics})


CATALOGUE = Catalogue()


def load_catalogue() -> Catalogue:
    """The project's catalogue with every event module imported (and so registered)."""
    import contracts.events  # noqa: F401  (registers every event type)

    return CATALOGUE
