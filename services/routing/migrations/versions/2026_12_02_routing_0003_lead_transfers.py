"""Transfers of a task's lead to another agency, requested and answered.

Revision ID: routing_0003
Revises: routing_0002
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "routing_0003"
down_revision = "routing_0002"
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "routing_lead_transfers",
        sa.Column("transfer_id", sa.Text, primary_key=True),
        sa.Column("case_id", sa.Text, nullable=False, index=True),
        sa.Column("referral_id", sa.Text, nullable=False, index=True),
        sa.Column("task", sa.Text, nullable=False),
        sa.Column("from_agency", sa.Text, nullable=False),
        sa.Column("to_agency", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("requested_at", UTC_TIME, nullable=False),
        sa.Column("decided_at", UTC_TIME),
        sa.Column("refusal_reason", sa.Text),
        sa.Column("new_referral_id", sa.Text),
        sa.CheckConstraint(
            "status IN ('requested', 'accepted', 'refused')", name="routing_lead_transfers_status"
        ),
    )
    # At most one transfer of a lead referral waits for an answer at a time.
    op.create_index(
        "routing_lead_transfers_one_pending",
        "routing_lead_transfers",
        ["referral_id"],
        unique=True,
        postgresql_where=sa.text("status = 'requested'"),
    )


def downgrade() -> None:
    op.drop_table("routing_lead_transfers")
