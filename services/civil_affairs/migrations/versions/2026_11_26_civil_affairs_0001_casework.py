"""Civil affairs case files, child directors' visits and the joint meeting office's escalations.

Revision ID: civil_affairs_0001
Revises:
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "civil_affairs_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    stamp = sa.DateTime(timezone=True)
    op.create_table(
        "civil_affairs_case_files",
        sa.Column("referral_id", sa.Text, primary_key=True),
        sa.Column("case_id", sa.Text, nullable=False, index=True),
        sa.Column("safety", sa.Text),
        sa.Column("guardianship", sa.Text),
        sa.Column("guardianship_failure", sa.Boolean),
        sa.Column("needs", postgresql.ARRAY(sa.Text)),
        sa.Column("assessed_at", stamp),
        sa.Column("measures", postgresql.ARRAY(sa.Text)),
        sa.Column("planned_at", stamp),
        sa.Column("intervention", sa.Text),
        sa.Column("intervention_decided_at", stamp),
        sa.Column("placement", sa.Text),
        sa.Column("institution", sa.Text),
        sa.Column("placed_at", stamp),
        sa.Column("monitoring_started_at", stamp),
        sa.Column("last_visit_at", stamp),
        sa.Column("reporter_message", sa.Text),
        sa.Column("reporter_informed_at", stamp),
        sa.Column("close_outcome", sa.Text),
        sa.Column("closed_at", stamp),
        sa.Column("updated_at", stamp, nullable=False),
    )
    op.create_table(
        "civil_affairs_visits",
        sa.Column("visit_id", sa.Text, primary_key=True),
        sa.Column("referral_id", sa.Text, nullable=False, index=True),
        sa.Column("case_id", sa.Text, nullable=False),
        sa.Column("child_director", sa.Text),
        sa.Column("child_safe", sa.Boolean, nullable=False),
        sa.Column("visited_at", stamp, nullable=False),
        sa.Column("logged_at", stamp, nullable=False),
    )
    op.create_table(
        "civil_affairs_escalations",
        sa.Column("escalation_id", sa.Text, primary_key=True),
        sa.Column("referral_id", sa.Text, nullable=False),
        sa.Column("case_id", sa.Text, nullable=False),
        sa.Column("agency", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("escalated_at", stamp, nullable=False),
        sa.Column("received_at", stamp, nullable=False),
    )
    op.create_index("civil_affairs_escalations_time", "civil_affairs_escalations", ["escalated_at"])


def downgrade() -> None:
    op.drop_table("civil_affairs_escalations")
    op.drop_table("civil_affairs_visits")
    op.drop_table("civil_affairs_case_files")
