"""Steps recorded as late entries: the time reported, and why it was entered late.

Revision ID: agency_0003
Revises: agency_0002
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "agency_0003"
down_revision = "agency_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    stamp = sa.DateTime(timezone=True)
    op.create_table(
        "agency_late_entries",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("referral_id", sa.Text, nullable=False, index=True),
        sa.Column("case_id", sa.Text, nullable=False),
        sa.Column("field", sa.Text, nullable=False),
        sa.Column("reported_at", stamp, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("recorded_at", stamp, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("agency_late_entries")
