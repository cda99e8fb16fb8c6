"""Which of intake's fields are personal data, sealed at rest (backbone.sealing), and the blind indexes.

Each sealed field `f` of a table is stored in the column `sealed_f`, bound to its table, field and row:
`intake.<table>.<field>:<row id>`. A child's file is found by two keyed blind indexes: the resident ID,
and name + birth date + district of residence (一人一档), never by the values themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import SQLModel

from backbone.sealing import KeyRing
from services.intake.children.matching import Identity, IdentityIndexes
from services.intake.children.models import ChildFile
from services.intake.reports.models import Report, ReporterContact


@dataclass(frozen=True)
class SealedTable:
    model: type[SQLModel]
    row_id: str
    fields: tuple[str, ...]


CHILD = SealedTable(ChildFile, "child_id", ("name", "birth_date", "id_number", "school"))
REPORT = SealedTable(Report, "report_id", ("description", "location_address"))
REPORTER = SealedTable(ReporterContact, "report_id", ("name", "organization", "phone"))
SEALED_TABLES = (CHILD, REPORT, REPORTER)
_BY_MODEL = {t.model: t for t in SEALED_TABLES}


def context(table: str, field: str, row_id: str) -> str:
    """What a sealed value is bound to: it opens only in this table, field and row."""
    return f"intake.{table}.{field}:{row_id}"


def _spec(row: SQLModel) -> tuple[SealedTable, str, str]:
    spec = _BY_MODEL[type(row)]
    return spec, spec.model.__tablename__, getattr(row, spec.row_id)  # type: ignore[attr-defined]


def seal_into(ring: KeyRing, row: SQLModel, **values: str | date | None) -> None:
    """Seal each named field's value into the row's `sealed_<field>` column (None stays None)."""
    spec, table, row_id = _spec(row)
    for field, value in values.items():
        if field not in spec.fields:
            raise KeyError(f"{table}.{field} is not a sealed field")
        text = value.isoformat() if isinstance(value, date) else value
        sealed = None if text is None else ring.seal(text, context=context(table, field, row_id))
        setattr(row, f"sealed_{field}", sealed)


def opened(ring: KeyRing, row: SQLModel, field: str) -> str | None:
    """One sealed field of a row, opened."""
    _, table, row_id = _spec(row)
    sealed = getattr(row, f"sealed_{field}")
    return None if sealed is None else ring.open(sealed, context=context(table, field, row_id))


def open_all(ring: KeyRing, row: SQLModel) -> dict[str, Any]:
    """Every sealed field of a row, opened, by field name."""
    spec, _, _ = _spec(row)
    return {field: opened(ring, row, field) for field in spec.fields}


def id_number_index(ring: KeyRing, id_number: str) -> str:
    """The blind index finding a child by resident ID."""
    return ring.blind_index(id_number, purpose="intake.child.id_number")


def person_index(ring: KeyRing, name: str, birth_date: date, district: str) -> str:
    """The blind index finding a child by name, birth date and district of residence."""
    return ring.blind_index(name, birth_date.isoformat(), district, purpose="intake.child.person")


def indexes_of(ring: KeyRing, identity: Identity) -> IdentityIndexes:
    """The blind indexes of a reported identity, for what of it is known."""
    person = identity.person_key
    return IdentityIndexes(
        id_number=id_number_index(ring, identity.id_number) if identity.id_number else None,
        person=person_index(ring, *person) if person is not None else None,
    )


def request_fingerprint(ring: KeyRing, canonical_body: str) -> str:
    """A keyed digest of a request body: equal bodies are recognised, the body cannot be guessed back."""
    return ring.blind_index(canonical_body, purpose="intake.idempotency")


@dataclass(frozen=True)
class OpenChild:
    """A child's file with its sealed fields opened, for use inside intake only."""

    child_id: str
    name: str | None
    birth_date: date | None
    id_number: str | None
    school: str | None
    gender: str
    district: str


def open_child(ring: KeyRing, file: ChildFile) -> OpenChild:
    """The child's file, opened."""
    values = open_all(ring, file)
    born = values["birth_date"]
    return OpenChild(
        child_id=file.child_id,
        name=values["name"],
        birth_date=date.fromisoformat(born) if born else None,
        id_number=values["id_number"],
        school=values["school"],
        gender=file.gender,
        district=file.district,
    )


def identity_of(child: OpenChild) -> Identity:
    return Identity(
        name=child.name, birth_date=child.birth_date, id_number=child.id_number, district=child.district
    )


def seal_child(ring: KeyRing, file: ChildFile, child: OpenChild) -> None:
    """Seal the opened identity into the file and set its blind indexes from it."""
    seal_into(
        ring,
        file,
        name=child.name,
        birth_date=child.birth_date,
        id_number=child.id_number,
        school=child.school,
    )
    indexes = indexes_of(ring, identity_of(child))
    file.id_number_index, file.person_index = indexes.id_number, indexes.person
