"""Finding or opening a child's file (一人一档), serialised so two reports cannot open two files."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime

from sqlalchemy import false, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from backbone.sealing import KeyRing
from services.intake.children.matching import Identity, IdentityIndexes, best_match, lock_keys
from services.intake.children.models import ChildFile
from services.intake.personal_data import OpenChild, indexes_of, open_child, seal_child
from services.intake.reports.schemas import Child, Gender

# Every lock of a report in one statement, taken in the array's (sorted) order so none can deadlock.
_LOCK_ALL = text(
    "SELECT count(pg_advisory_xact_lock(hashtextextended(key, 0))) FROM unnest(CAST(:keys AS text[])) AS key"
)


async def file_for(
    *, session: AsyncSession, ring: KeyRing, child: Child, at: datetime
) -> tuple[OpenChild, bool]:
    """The reported child's file (opened) and whether it was opened just now, locked until the
    transaction ends."""
    identity = Identity.of(child)
    indexes = indexes_of(ring, identity)
    # Reports naming the same ID or the same person wait for each other here, so the second one
    # finds the file the first one opened instead of opening another. The lock names are blind indexes.
    keys = lock_keys(indexes)
    if keys:
        await session.execute(_LOCK_ALL, {"keys": keys})
    candidates = (
        await session.scalars(
            select(ChildFile)
            .where(_candidate_filter(indexes))
            .order_by(ChildFile.created_at, ChildFile.child_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).all()
    known = best_match(indexes, candidates)
    if known is None:
        return await _open_file(session=session, ring=ring, identity=identity, child=child, at=at), True
    completed = _complete(open_child(ring, known), identity=identity, child=child)
    seal_child(ring, known, completed)
    known.gender = completed.gender
    known.updated_at = at
    await session.flush()
    return completed, False


def _candidate_filter(indexes: IdentityIndexes):
    clauses = []
    if indexes.id_number is not None:
        clauses.append(ChildFile.id_number_index == indexes.id_number)
    if indexes.person is not None:
        clauses.append(ChildFile.person_index == indexes.person)
    return or_(*clauses) if clauses else false()


async def _open_file(
    *, session: AsyncSession, ring: KeyRing, identity: Identity, child: Child, at: datetime
) -> OpenChild:
    opened = OpenChild(
        child_id=str(uuid.uuid4()),
        name=identity.name,
        birth_date=identity.birth_date,
        id_number=identity.id_number,
        school=child.school,
        gender=child.gender.value,
        district=identity.district,
    )
    file = ChildFile(
        child_id=opened.child_id, gender=opened.gender, district=opened.district, created_at=at, updated_at=at
    )
    seal_child(ring, file, opened)
    session.add(file)
    await session.flush()
    return opened


def _complete(known: OpenChild, *, identity: Identity, child: Child) -> OpenChild:
    """Fill what the file lacks from the new report; never overwrite what an earlier report established."""
    return dataclasses.replace(
        known,
        name=known.name if known.name is not None else identity.name,
        birth_date=known.birth_date if known.birth_date is not None else identity.birth_date,
        id_number=known.id_number if known.id_number is not None else identity.id_number,
        gender=(
            child.gender.value
            if known.gender == Gender.UNKNOWN.value and child.gender is not Gender.UNKNOWN
            else known.gender
        ),
        # a child changes school: the latest report knows best
        school=child.school if child.school is not None else known.school,
    )
