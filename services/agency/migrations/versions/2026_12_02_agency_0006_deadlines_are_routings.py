"""The agency keeps no copy of its deadlines: its view is routing's clocks, their one owner.

The table only ever repeated what routing holds (and counted due times a second time), so nothing is
lost with it; a downgrade gives back the empty table, which the older code fills from new events.

Revision ID: agency_0006
Revises: agency_0005
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "agency_0006"
down_revision = "agency_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table("agency_sla_clocks")


def downgrade() -> None:
    stamp = sa.DateTime(timezone=True)
    op.create_table(
        "agency_sla_clocks",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("clock", sa.Text, nullable=False),
        sa.Column("subject_id", sa.Text, nullable=False),
        sa.Column("case_id", sa.Text, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("warned", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("started_at", stamp, nullable=False),
        sa.Column("due_at", stamp),
        sa.Column("stopped_at", stamp),
        sa.Column("breached_at", stamp),
        sa.Column("escalated_to", sa.Text),
        sa.Column("policy_version", sa.Text, nullable=False),
        sa.Column("due_provisional", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("target_calendar", sa.Text),
        sa.Column("target_seconds", sa.Float),
        sa.Column("paused_at", stamp),
    )
    op.create_index(
        "agency_sla_clocks_open_key",
        "agency_sla_clocks",
        ["clock", "subject_id"],
        unique=True,
        postgresql_where=sa.text("state IN ('running', 'paused', 'breached')"),
    )
