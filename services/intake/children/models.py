"""The children's register: the only table in the project holding a child's personal data."""

from datetime import date, datetime

from sqlalchemy import DateTime, Index, text
from sqlmodel import Field, SQLModel


class ChildFile(SQLModel, table=True):
    """A child's file (档案); every report about the child points at it."""

    __tablename__ = "children"
    __table_args__ = (
        Index("children_id_number", "id_number", unique=True, postgresql_where=text("id_number IS NOT NULL")),
        Index("children_person", "name", "birth_date", "district"),
    )

    child_id: str = Field(primary_key=True)
    name: str | None = None
    gender: str
    birth_date: date | None = None
    id_number: str | None = None
    district: str
    school: str | None = None
    created_at: datetime = Field(sa_type=DateTime(timezone=True))
    updated_at: datetime = Field(sa_type=DateTime(timezone=True))
