"""The referral lifecycle in routing: holds, withdrawals, decline reason codes and progress notes.

Revision ID: routing_0002
Revises: routing_0001
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "routing_0002"
down_revision = "routing_0001"
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("routing_referrals", sa.Column("decline_reason_code", sa.Text))
    op.add_column("routing_referrals", sa.Column("held_at", UTC_TIME))
    op.add_column("routing_referrals", sa.Column("withdrawn_at", UTC_TIME))
    op.add_column("routing_referrals", sa.Column("withdrawn_by", sa.Text))
    op.create_table(
        "routing_referral_notes",
        sa.Column("note_id", sa.Text, primary_key=True),
        sa.Column("case_id", sa.Text, nullable=False, index=True),
        sa.Column("referral_id", sa.Text, nullable=False),
        sa.Column("agency", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("author", sa.Text),
        sa.Column("noted_at", UTC_TIME, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("routing_referral_notes")
    for column in ("withdrawn_by", "withdrawn_at", "held_at", "decline_reason_code"):
        op.drop_column("routing_referrals", column)
