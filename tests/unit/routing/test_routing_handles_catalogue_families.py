"""Routing's ServiceDefinition handles exactly the event families the catalogue says routing consumes."""

from contracts.catalogue import load_catalogue
from services.routing.service import definition


def test_routing_handles_every_family_it_consumes_and_no_other() -> None:
    consumed = {spec.family for spec in load_catalogue().consumed_by("routing")}
    assert set(definition.handlers) == consumed


def test_routing_brings_its_migrations() -> None:
    [migrations] = [m for m in definition.migrations if m.parent.name == "routing"]
    assert (migrations / "env.py").is_file()
    assert any(p.name.startswith("2026_11_26_routing_0001_") for p in (migrations / "versions").iterdir())
