"""The committed JSON Schemas and AsyncAPI document are exactly what the catalogue generates."""

from contracts.catalogue import load_catalogue
from contracts.export import drift


def test_no_drift_between_models_and_committed_files() -> None:
    stale = drift(load_catalogue())
    assert stale == [], f"run `python -m contracts.export` and commit: {stale}"
