"""The agency referral inbox (agency_referrals), applied in each agency's schema.

Revision ID: agency_0001
Revises:
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "agency_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    stamp = sa.DateTime(timezone=True)
    op.create_table(
        "agency_referrals",
        sa.Column("referral_id", sa.Text, primary_key=True),
        sa.Column("case_id", sa.Text, nullable=False),
        sa.Column("child_id", sa.Text, nullable=False),
        sa.Column("task", sa.Text, nullable=False),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("priority", sa.Text, nullable=False),
        sa.Column("emergency", sa.Boolean, nullable=False),
        sa.Column("categories", postgresql.ARRAY(sa.Text), nullable=False),
        sa.Column("district", sa.Text, nullable=False),
        sa.Column("area", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("replaces_referral_id", sa.Text),
        sa.Column("status", sa.Text, nullable=False, server_default="pending"),
        sa.Column("created_at", stamp, nullable=False),
        sa.Column("received_at", stamp, nullable=False),
        sa.Column("accepted_at", stamp),
        sa.Column("accepted_by", sa.Text),
        sa.Column("declined_at", stamp),
        sa.Column("decline_reason", sa.Text),
        sa.Column("completed_at", stamp),
        sa.Column("outcome", sa.Text),
        sa.Column("updated_at", stamp, nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'accepted', 'declined', 'completed')", name="agency_referrals_status"
        ),
        sa.CheckConstraint("priority IN ('P1', 'P2', 'P3')", name="agency_referrals_priority"),
    )
    op.create_index("agency_referrals_case", "agency_referrals", ["case_id"])
    op.create_index("agency_referrals_status", "agency_referrals", ["status", "received_at"])


def downgrade() -> None:
    op.drop_table("agency_referrals")
