"""The referral lifecycle: on hold and withdrawn, a decline's reason code, progress notes, paused deadlines.

Revision ID: agency_0005
Revises: agency_0004
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "agency_0005"
down_revision = "agency_0004"
branch_labels = None
depends_on = None

STATUSES = "('pending', 'accepted', 'declined', 'completed', 'on_hold', 'withdrawn')"


def upgrade() -> None:
    stamp = sa.DateTime(timezone=True)
    op.drop_constraint("agency_referrals_status", "agency_referrals", type_="check")
    op.create_check_constraint("agency_referrals_status", "agency_referrals", f"status IN {STATUSES}")
    op.add_column("agency_referrals", sa.Column("decline_reason_code", sa.Text))
    op.add_column("agency_referrals", sa.Column("held_at", stamp))
    op.add_column("agency_referrals", sa.Column("hold_reason", sa.Text))
    op.add_column("agency_referrals", sa.Column("withdrawn_at", stamp))
    op.add_column("agency_referrals", sa.Column("withdrawn_by", sa.Text))
    op.add_column("agency_referrals", sa.Column("withdraw_reason", sa.Text))
    op.create_table(
        "agency_referral_notes",
        sa.Column("note_id", sa.Text, primary_key=True),
        sa.Column("referral_id", sa.Text, nullable=False, index=True),
        sa.Column("case_id", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("author", sa.Text),
        sa.Column("noted_at", stamp, nullable=False),
    )
    # A held referral's deadlines are paused: still open, so still one per deadline and subject.
    op.add_column("agency_sla_clocks", sa.Column("paused_at", stamp))
    op.drop_index("agency_sla_clocks_open_key", table_name="agency_sla_clocks")
    op.create_index(
        "agency_sla_clocks_open_key",
        "agency_sla_clocks",
        ["clock", "subject_id"],
        unique=True,
        postgresql_where=sa.text("state IN ('running', 'paused', 'breached')"),
    )


def downgrade() -> None:
    op.drop_index("agency_sla_clocks_open_key", table_name="agency_sla_clocks")
    op.create_index(
        "agency_sla_clocks_open_key",
        "agency_sla_clocks",
        ["clock", "subject_id"],
        unique=True,
        postgresql_where=sa.text("state IN ('running', 'breached')"),
    )
    op.drop_column("agency_sla_clocks", "paused_at")
    op.drop_table("agency_referral_notes")
    for column in ("withdraw_reason", "withdrawn_by", "withdrawn_at", "hold_reason", "held_at"):
        op.drop_column("agency_referrals", column)
    op.drop_column("agency_referrals", "decline_reason_code")
    op.drop_constraint("agency_referrals_status", "agency_referrals", type_="check")
    op.create_check_constraint(
        "agency_referrals_status",
        "agency_referrals",
        "status IN ('pending', 'accepted', 'declined', 'completed')",
    )
