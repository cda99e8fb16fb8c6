"""One way to page a list: bounded `limit`/`offset` query parameters in, one envelope out.

Every list endpoint takes `Depends(paging(default_limit=..., max_limit=...))` and answers `Page[Item]`
(`{"items", "total", "limit", "offset"}`), with the total counted by PostgreSQL (`fetch_page`).
"""

# No `from __future__ import annotations`: FastAPI must see the real annotations of `paging`'s closure.
from collections import namedtuple
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel, Field
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

# Deeper pages are a scan of the whole table, and past PostgreSQL's bigint they are a 500: filter instead.
MAX_OFFSET = 1_000_000

Item = TypeVar("Item")


@dataclass(frozen=True)
class PageRequest:
    """The page a caller asked for."""

    limit: int
    offset: int


def paging(*, default_limit: int, max_limit: int) -> Callable[..., PageRequest]:
    """The `limit`/`offset` query parameters of a list endpoint, as a FastAPI dependency."""

    async def page(
        limit: Annotated[
            int, Query(ge=1, le=max_limit, description=f"Items per page, 1 to {max_limit}")
        ] = default_limit,
        offset: Annotated[
            int, Query(ge=0, le=MAX_OFFSET, description=f"Items to skip, 0 to {MAX_OFFSET}")
        ] = 0,
    ) -> PageRequest:
        return PageRequest(limit=limit, offset=offset)

    return page


class Page(BaseModel, Generic[Item]):
    """One page of a list: its items, and where it lies in the whole."""

    items: list[Item] = Field(description="The items of this page, in the list's order")
    total: int = Field(ge=0, description="Items matching the filters, over every page")
    limit: int = Field(ge=1, description="The page size asked for")
    offset: int = Field(ge=0, description="Items skipped before this page")

    @classmethod
    def of(cls, items: Sequence[Any], *, total: int, page: PageRequest) -> "Page[Item]":
        return cls(items=list(items), total=total, limit=page.limit, offset=page.offset)


async def fetch_page(session: AsyncSession, statement: Select, page: PageRequest) -> tuple[list[Any], int]:
    """One page of an ordered query's rows (single entities as themselves) and the count of all of them.

    The count is a window over the same query (`count(*) OVER ()`), so items and total come from one
    snapshot: a row committed meanwhile is in both or in neither.
    """
    single = len(statement.column_descriptions) == 1
    counted = statement.add_columns(func.count().over().label("page_total"))
    result = await session.execute(counted.limit(page.limit).offset(page.offset))
    rows = result.all()
    if rows:
        total = int(rows[0][-1])
    elif page.offset:  # past the end: no row carries the count
        everything = select(func.count()).select_from(statement.order_by(None).subquery())
        total = int(await session.scalar(everything) or 0)
    else:
        total = 0
    if single:
        return [row[0] for row in rows], total
    # Several columns: rows of them, by name and in order, without the count.
    record = namedtuple("PageRow", list(result.keys())[:-1], rename=True)  # type: ignore[misc]
    return [record(*row[:-1]) for row in rows], total
