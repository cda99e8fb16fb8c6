"""Who a report is about: matching a reported child to an existing file, and the child's age.

A child is the same child when the resident ID is the same, or, failing an ID on either side, when
name, birth date and district of residence are all the same (一人一档). Files are compared through
keyed blind indexes of those (services/intake/personal_data.py), never through stored plaintext.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol, TypeVar

from services.intake.reports import resident_id
from services.intake.reports.schemas import Child, full_years_between


@dataclass(frozen=True)
class Identity:
    """What identifies a reported child; any part may be unknown except the district."""

    name: str | None
    birth_date: date | None
    id_number: str | None
    district: str

    @classmethod
    def of(cls, child: Child) -> Identity:
        """The identity a validated report gives, with the birth date embedded in the ID when not given."""
        born = child.birth_date
        if born is None and child.id_number is not None:
            born = resident_id.birth_date_of(child.id_number)
        return cls(name=child.name, birth_date=born, id_number=child.id_number, district=child.district)

    @property
    def person_key(self) -> tuple[str, date, str] | None:
        """Name, birth date and district, when all three are known."""
        if self.name is None or self.birth_date is None:
            return None
        return (self.name, self.birth_date, self.district)


@dataclass(frozen=True)
class IdentityIndexes:
    """The keyed blind indexes of an identity: how files are compared, never by plaintext."""

    id_number: str | None
    person: str | None


class KnownChild(Protocol):
    child_id: str
    id_number_index: str | None
    person_index: str | None


T = TypeVar("T", bound=KnownChild)


def lock_keys(indexes: IdentityIndexes) -> list[str]:
    """Names of the locks to hold while matching, sorted so concurrent reports cannot deadlock."""
    keys = []
    if indexes.id_number is not None:
        keys.append(f"intake:child:id:{indexes.id_number}")
    if indexes.person is not None:
        keys.append(f"intake:child:person:{indexes.person}")
    return sorted(keys)


def is_same_child(indexes: IdentityIndexes, known: KnownChild) -> bool:
    """Whether a file belongs to the reported child."""
    if indexes.id_number is not None and known.id_number_index is not None:
        return indexes.id_number == known.id_number_index
    return indexes.person is not None and indexes.person == known.person_index


def best_match(indexes: IdentityIndexes, candidates: Iterable[T]) -> T | None:
    """The file a report joins: a file with the same ID first, else one with the same person key."""
    matching = [c for c in candidates if is_same_child(indexes, c)]
    by_id = [c for c in matching if indexes.id_number is not None and c.id_number_index == indexes.id_number]
    chosen: Sequence[T] = by_id or matching
    return chosen[0] if chosen else None


def age_on(identity: Identity, *, estimate: int | None, on: date) -> int | None:
    """Completed years on a date from the birth date, else the reporter's estimate, else None."""
    if identity.birth_date is None:
        return estimate
    return max(0, full_years_between(identity.birth_date, on))
