"""The children's register: the only table in the project holding a child's personal data, sealed.

Name, birth date, resident ID and school are sealed (services/intake/personal_data.py); the file is
found by keyed blind indexes of the resident ID and of name + birth date + district, never by them.
"""

from datetime import datetime

from sqlalchemy import DateTime, Index, text
from sqlmodel import Field, SQLModel


class ChildFile(SQLModel, table=True):
    """A child's file (档案); every report about the child points at it."""

    __tablename__ = "children"
    __table_args__ = (
        Index(
            "children_id_number_index",
            "id_number_index",
            unique=True,
            postgresql_where=text("id_number_index IS NOT NULL"),
        ),
        Index("children_person_index", "person_index"),
    )

    child_id: str = Field(primary_key=True)
    gender: str
    district: str
    sealed_name: str | None = None
    sealed_birth_date: str | None = None
    sealed_id_number: str | None = None
    sealed_school: str | None = None
    id_number_index: str | None = None
    person_index: str | None = None
    created_at: datetime = Field(sa_type=DateTime(timezone=True))
    updated_at: datetime = Field(sa_type=DateTime(timezone=True))
