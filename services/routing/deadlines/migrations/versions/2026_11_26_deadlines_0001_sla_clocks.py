"""Durable SLA clocks.

Revision ID: deadlines_0001
Revises:
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "deadlines_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "routing_sla_clocks",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("clock", sa.Text, nullable=False),
        sa.Column("agency", sa.Text, nullable=False),
        sa.Column("case_id", sa.Text, nullable=False),
        sa.Column("subject_id", sa.Text, nullable=False),
        sa.Column("policy_version", sa.Text, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("warned", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True)),
        sa.Column("stopped_at", sa.DateTime(timezone=True)),
        sa.Column("next_fire_at", sa.DateTime(timezone=True)),
        sa.Column("fired", postgresql.ARRAY(sa.Text), nullable=False, server_default="{}"),
        sa.Column("clock_state", postgresql.JSONB, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    # At most one open clock per deadline and subject: a repeated start event cannot start a second one.
    op.create_index(
        "routing_sla_clocks_open_key",
        "routing_sla_clocks",
        ["clock", "subject_id"],
        unique=True,
        postgresql_where=sa.text("state IN ('running', 'paused', 'breached')"),
    )
    op.create_index(
        "routing_sla_clocks_next_fire",
        "routing_sla_clocks",
        ["next_fire_at"],
        postgresql_where=sa.text("next_fire_at IS NOT NULL"),
    )
    op.create_index("routing_sla_clocks_case", "routing_sla_clocks", ["case_id"])
    op.create_index("routing_sla_clocks_agency_state", "routing_sla_clocks", ["agency", "state"])


def downgrade() -> None:
    op.drop_table("routing_sla_clocks")
