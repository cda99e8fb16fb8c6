"""A new version of an event may only add optional fields (checked on the committed schemas), and
consumers keep accepting every version still in the catalogue."""

import copy

import pytest

from contracts.catalogue import Catalogue, load_catalogue
from contracts.compatibility import breaking_changes, committed_families, evolution_problems
from contracts.envelope import Event
from contracts.export import SCHEMAS_DIR

V1 = {
    "properties": {"case_id": {"type": "string"}, "note": {"type": "string"}},
    "required": ["case_id", "note"],
}


def test_committed_versions_only_add_optional_fields() -> None:
    assert evolution_problems(SCHEMAS_DIR) == []


def test_every_committed_schema_is_still_in_the_catalogue() -> None:
    catalogue = load_catalogue()
    for family, versions in committed_families(SCHEMAS_DIR).items():
        for version, _ in versions:
            assert catalogue.spec(f"{family}.v{version}"), (
                f"{family}.v{version} was dropped from the catalogue"
            )


def test_adding_an_optional_field_is_compatible() -> None:
    v2 = copy.deepcopy(V1)
    v2["properties"]["extra"] = {"type": "string"}
    assert breaking_changes(V1, v2) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            lambda s: s["required"].append("extra") or s["properties"].update(extra={}),
            "new field 'extra' is required",
        ),
        (lambda s: s["properties"].pop("note") and s["required"].remove("note"), "removed field 'note'"),
        (lambda s: s["properties"].update(note={"type": "integer"}), "changed field 'note'"),
        (lambda s: s["required"].remove("note"), "'note' is no longer required"),
    ],
)
def test_anything_else_is_breaking(change, problem: str) -> None:
    v2 = copy.deepcopy(V1)
    change(v2)
    assert problem in breaking_changes(V1, v2)


def test_consumers_upcast_older_versions_to_the_newest() -> None:
    catalogue = Catalogue(services=("intake", "routing"))

    class NoteV1(Event):
        TYPE = "note.taken.v1"
        case_id: str

    class NoteV2(Event):
        TYPE = "note.taken.v2"
        case_id: str
        urgent: bool = False

    catalogue.register(NoteV1, publishers=("intake",), consumers=("routing",))
    catalogue.register(NoteV2, publishers=("intake",), consumers=("routing",))
    parsed = catalogue.parse("note.taken.v1", {"case_id": "c-1"})
    assert isinstance(parsed, NoteV2) and parsed.urgent is False
