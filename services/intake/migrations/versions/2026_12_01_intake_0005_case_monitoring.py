"""When civil affairs started monitoring a case, so intake shows the status routing shows.

Revision ID: intake_0005
Revises: intake_0004
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "intake_0005"
down_revision = "intake_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("intake_cases", sa.Column("monitoring_started_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    op.drop_column("intake_cases", "monitoring_started_at")
