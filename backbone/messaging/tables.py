"""The backbone's own tables, present in every service's schema (reached through search_path)."""

from sqlalchemy import BigInteger, Column, DateTime, MetaData, Table, Text
from sqlalchemy.dialects.postgresql import JSONB

backbone_metadata = MetaData()

outbox = Table(
    "outbox",
    backbone_metadata,
    Column("id", BigInteger, primary_key=True),
    Column("event_id", Text, nullable=False),
    Column("topic", Text, nullable=False),
    Column("message_key", Text, nullable=False),
    Column("event_type", Text, nullable=False),
    Column("headers", JSONB, nullable=False),
    Column("payload", JSONB, nullable=False),
    Column("created_at", DateTime(timezone=True)),
    Column("sent_at", DateTime(timezone=True)),
)

inbox = Table(
    "inbox",
    backbone_metadata,
    Column("consumer", Text, primary_key=True),
    Column("event_id", Text, primary_key=True),
    Column("event_type", Text, nullable=False),
    Column("processed_at", DateTime(timezone=True)),
)
