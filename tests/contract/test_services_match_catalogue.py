"""Every service handles exactly the event families the catalogue says it consumes, and publishes
only what the catalogue says it publishes."""

import pytest

from backbone.system import load_definition
from contracts.catalogue import SERVICES, load_catalogue


@pytest.mark.parametrize("service", SERVICES)
def test_handlers_cover_what_the_catalogue_says_the_service_consumes(service: str) -> None:
    catalogue = load_catalogue()
    definition = load_definition(service)
    consumed = {spec.family for spec in catalogue.consumed_by(service)}
    handled = set(definition.handlers)
    assert handled <= consumed, (
        f"{service} handles families the catalogue does not route to it: {handled - consumed}"
    )
    unhandled = consumed - handled
    # A family consumed without a handler is there for an envelope observer (e.g. deadlines).
    assert not unhandled or definition.envelope_observers, f"{service} never applies {sorted(unhandled)}"


def test_every_event_names_its_case_and_when_it_happened() -> None:
    for spec in load_catalogue().specs():
        fields = spec.model.model_fields
        names_cases = "case_id" in fields or "case_ids" in fields
        assert names_cases or spec.type.startswith("police.children_without_care_found"), spec.type
        assert any(name.endswith("_at") for name in fields), f"{spec.type} has no *_at field"
