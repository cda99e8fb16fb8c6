"""The evolution rule for event schemas, checked against the committed JSON Schemas.

A new version of an event may only add optional fields; anything else must be a new event type. So
v(N+1) keeps every property of vN with the same schema and the same required set, and may add
properties that are not required.
"""

from __future__ import annotations

import json
from collections import defaultdict
from itertools import pairwise
from pathlib import Path

from contracts.catalogue import family_of, version_of


def breaking_changes(older: dict, newer: dict) -> list[str]:
    """Why `newer` is not a compatible next version of `older` (empty when it is)."""
    problems: list[str] = []
    old_props, new_props = older.get("properties", {}), newer.get("properties", {})
    for name, schema in old_props.items():
        if name not in new_props:
            problems.append(f"removed field {name!r}")
        elif _comparable(schema) != _comparable(new_props[name]):
            problems.append(f"changed field {name!r}")
    old_required, new_required = set(older.get("required", [])), set(newer.get("required", []))
    for name in sorted(new_required - old_required):
        problems.append(
            f"new field {name!r} is required" if name not in old_props else f"{name!r} became required"
        )
    for name in sorted(old_required - new_required):
        problems.append(f"{name!r} is no longer required")
    if older.get("$defs", {}) != newer.get("$defs", {}) and _shared_refs_changed(older, newer):
        problems.append("a shared definition used by an existing field changed")
    return problems


def committed_families(schemas_dir: Path) -> dict[str, list[tuple[int, dict]]]:
    """Committed event schemas grouped by family, oldest version first."""
    families: dict[str, list[tuple[int, dict]]] = defaultdict(list)
    for path in sorted(schemas_dir.glob("*.v*.json")):
        type_name = path.name.removesuffix(".json")
        families[family_of(type_name)].append((version_of(type_name), json.loads(path.read_text())))
    return {family: sorted(versions, key=lambda v: v[0]) for family, versions in families.items()}


def evolution_problems(schemas_dir: Path) -> list[str]:
    """Every breaking change between consecutive committed versions of each event family."""
    problems: list[str] = []
    for family, versions in committed_families(schemas_dir).items():
        for (old_version, older), (new_version, newer) in pairwise(versions):
            problems += [
                f"{family}.v{new_version} vs v{old_version}: {p}" for p in breaking_changes(older, newer)
            ]
    return problems


def _comparable(schema: dict) -> dict:
    # Descriptions and titles may be improved between versions; the shape may not.
    return {k: v for k, v in schema.items() if k not in ("description", "title", "examples")}


def _shared_refs_changed(older: dict, newer: dict) -> bool:
    used = json.dumps(older.get("properties", {}))
    return any(
        f"#/$defs/{name}" in used and _comparable(d) != _comparable(newer.get("$defs", {}).get(name, {}))
        for name, d in older.get("$defs", {}).items()
    )
