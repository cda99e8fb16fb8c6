"""Finding or opening a child's file (一人一档), serialised so two reports cannot open two files."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import and_, false, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.children.matching import Identity, best_match, lock_keys
from services.intake.children.models import ChildFile
from services.intake.reports.schemas import Child, Gender


async def file_for(*, session: AsyncSession, child: Child, at: datetime) -> ChildFile:
    """The reported child's file, opened if the child is new, locked until the transaction ends."""
    identity = Identity.of(child)
    # Reports naming the same ID or the same person wait for each other here, so the second one
    # finds the file the first one opened instead of opening another.
    for key in lock_keys(identity):
        await session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": key})
    candidates = (
        await session.scalars(
            select(ChildFile)
            .where(_candidate_filter(identity))
            .order_by(ChildFile.created_at, ChildFile.child_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).all()
    known = best_match(identity, candidates)
    if known is None:
        return await _open_file(session=session, identity=identity, child=child, at=at)
    _complete(known, identity=identity, child=child, at=at)
    await session.flush()
    return known


def _candidate_filter(identity: Identity):
    clauses = []
    if identity.id_number is not None:
        clauses.append(ChildFile.id_number == identity.id_number)
    if identity.person_key is not None:
        name, born, district = identity.person_key
        clauses.append(
            and_(ChildFile.name == name, ChildFile.birth_date == born, ChildFile.district == district)
        )
    return or_(*clauses) if clauses else false()


async def _open_file(*, session: AsyncSession, identity: Identity, child: Child, at: datetime) -> ChildFile:
    opened = ChildFile(
        child_id=str(uuid.uuid4()),
        name=identity.name,
        gender=child.gender.value,
        birth_date=identity.birth_date,
        id_number=identity.id_number,
        district=identity.district,
        school=child.school,
        created_at=at,
        updated_at=at,
    )
    session.add(opened)
    await session.flush()
    return opened


def _complete(known: ChildFile, *, identity: Identity, child: Child, at: datetime) -> None:
    """Fill what the file lacks from the new report; never overwrite what an earlier report established."""
    if known.name is None and identity.name is not None:
        known.name = identity.name
    if known.birth_date is None and identity.birth_date is not None:
        known.birth_date = identity.birth_date
    if known.id_number is None and identity.id_number is not None:
        known.id_number = identity.id_number
    if known.gender == Gender.UNKNOWN.value and child.gender is not Gender.UNKNOWN:
        known.gender = child.gender.value
    if child.school is not None:
        known.school = child.school  # a child changes school: the latest report knows best
    known.updated_at = at
