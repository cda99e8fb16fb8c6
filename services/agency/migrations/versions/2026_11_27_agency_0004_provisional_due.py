"""Whether a deadline's due time waits on a holiday calendar year that has no file yet, and the target
it runs to, so the due time can be recomputed when that file is loaded.

Revision ID: agency_0004
Revises: agency_0003
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "agency_0004"
down_revision = "agency_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "agency_sla_clocks",
        sa.Column("due_provisional", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.add_column("agency_sla_clocks", sa.Column("target_calendar", sa.Text))
    op.add_column("agency_sla_clocks", sa.Column("target_seconds", sa.Float))


def downgrade() -> None:
    op.drop_column("agency_sla_clocks", "target_seconds")
    op.drop_column("agency_sla_clocks", "target_calendar")
    op.drop_column("agency_sla_clocks", "due_provisional")
