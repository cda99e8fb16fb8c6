"""The agency's own view of its deadlines.

Revision ID: agency_0002
Revises: agency_0001
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "agency_0002"
down_revision = "agency_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agency_sla_clocks",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("clock", sa.Text, nullable=False),
        sa.Column("subject_id", sa.Text, nullable=False),
        sa.Column("case_id", sa.Text, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("warned", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True)),
        sa.Column("stopped_at", sa.DateTime(timezone=True)),
        sa.Column("breached_at", sa.DateTime(timezone=True)),
        sa.Column("escalated_to", sa.Text),
        sa.Column("policy_version", sa.Text, nullable=False),
    )
    op.create_index(
        "agency_sla_clocks_open_key",
        "agency_sla_clocks",
        ["clock", "subject_id"],
        unique=True,
        postgresql_where=sa.text("state IN ('running', 'breached')"),
    )


def downgrade() -> None:
    op.drop_table("agency_sla_clocks")
