"""Other agencies' referrals of a case (open until they end), and requests for a supervisor's approval.

Revision ID: civil_affairs_0004
Revises: civil_affairs_0003
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "civil_affairs_0004"
down_revision = "civil_affairs_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    stamp = sa.DateTime(timezone=True)
    op.create_table(
        "civil_affairs_case_referrals",
        sa.Column("referral_id", sa.Text, primary_key=True),
        sa.Column("case_id", sa.Text, nullable=False, index=True),
        sa.Column("agency", sa.Text, nullable=False),
        sa.Column("created_at", stamp, nullable=False),
        sa.Column("ended_at", stamp),
    )
    op.create_table(
        "civil_affairs_approvals",
        sa.Column("approval_id", sa.Text, primary_key=True),
        sa.Column("referral_id", sa.Text, nullable=False, index=True),
        sa.Column("case_id", sa.Text, nullable=False),
        sa.Column("district", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("outcome", sa.Text),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("requested_by", sa.Text, nullable=False),
        sa.Column("requested_at", stamp, nullable=False),
        sa.Column("decided_by", sa.Text),
        sa.Column("decision_note", sa.Text),
        sa.Column("decided_at", stamp),
        sa.CheckConstraint(
            "status IN ('requested', 'approved', 'rejected')", name="civil_affairs_approvals_status"
        ),
        sa.CheckConstraint(
            "kind IN ('close_case', 'court_revocation_application')", name="civil_affairs_approvals_kind"
        ),
    )


def downgrade() -> None:
    op.drop_table("civil_affairs_approvals")
    op.drop_table("civil_affairs_case_referrals")
