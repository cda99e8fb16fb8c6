"""Routing's cases, reports, referrals, priority history and timeline.

Revision ID: routing_0001
Revises:
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "routing_0001"
down_revision = None
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "routing_cases",
        sa.Column("case_id", sa.Text, primary_key=True),
        sa.Column("child_id", sa.Text, nullable=False),
        sa.Column("child_display_name", sa.Text, nullable=False),
        sa.Column("child_gender", sa.Text, nullable=False),
        sa.Column("child_age_years", sa.Integer),
        sa.Column("district", sa.Text, nullable=False),
        sa.Column("area", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("categories", postgresql.JSONB, nullable=False),
        sa.Column("immediate_danger", sa.Boolean, nullable=False),
        sa.Column("injured", sa.Boolean, nullable=False),
        sa.Column("priority", sa.Text, nullable=False),
        sa.Column("priority_reasons", postgresql.JSONB, nullable=False),
        sa.Column("rule_version", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("opened_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
    )
    op.create_index("ix_routing_cases_child_id", "routing_cases", ["child_id"])
    op.create_index("ix_routing_cases_priority", "routing_cases", ["priority"])
    op.create_index("ix_routing_cases_status", "routing_cases", ["status"])

    op.create_table(
        "routing_case_reports",
        sa.Column("report_id", sa.Text, primary_key=True),
        sa.Column("case_id", sa.Text, nullable=False),
        sa.Column("event_id", sa.Text, nullable=False),
        sa.Column("new_case", sa.Boolean, nullable=False),
        sa.Column("corroborates_report_id", sa.Text),
        sa.Column("categories", postgresql.JSONB, nullable=False),
        sa.Column("received_at", UTC_TIME, nullable=False),
    )
    op.create_index("ix_routing_case_reports_case_id", "routing_case_reports", ["case_id"])

    op.create_table(
        "routing_referrals",
        sa.Column("referral_id", sa.Text, primary_key=True),
        sa.Column("seq", sa.BigInteger, sa.Identity(), nullable=False, unique=True),
        sa.Column("origin_key", sa.Text, nullable=False, unique=True),
        sa.Column("case_id", sa.Text, nullable=False),
        sa.Column("agency", sa.Text, nullable=False),
        sa.Column("task", sa.Text, nullable=False),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("priority", sa.Text, nullable=False),
        sa.Column("emergency", sa.Boolean, nullable=False),
        sa.Column("rule_version", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("replaces_referral_id", sa.Text),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("accepted_at", UTC_TIME),
        sa.Column("declined_at", UTC_TIME),
        sa.Column("completed_at", UTC_TIME),
        sa.Column("escalated_at", UTC_TIME),
        sa.Column("escalation_reason", sa.Text),
    )
    op.create_index("ix_routing_referrals_case_id", "routing_referrals", ["case_id"])
    op.create_index("ix_routing_referrals_agency", "routing_referrals", ["agency"])

    op.create_table(
        "routing_priority_changes",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("case_id", sa.Text, nullable=False),
        sa.Column("previous_priority", sa.Text),
        sa.Column("priority", sa.Text, nullable=False),
        sa.Column("cause", sa.Text, nullable=False),
        sa.Column("reasons", postgresql.JSONB, nullable=False),
        sa.Column("rule_version", sa.Text, nullable=False),
        sa.Column("event_id", sa.Text, nullable=False),
        sa.Column("changed_at", UTC_TIME, nullable=False),
    )
    op.create_index("ix_routing_priority_changes_case_id", "routing_priority_changes", ["case_id"])

    op.create_table(
        "routing_timeline",
        sa.Column("seq", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("case_id", sa.Text, nullable=False),
        sa.Column("event_id", sa.Text, nullable=False),
        sa.Column("event_type", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("time", UTC_TIME, nullable=False),
        sa.Column("occurred_at", UTC_TIME),
        sa.Column("referral_id", sa.Text),
        sa.Column("summary", sa.Text, nullable=False),
        sa.UniqueConstraint("case_id", "event_id", name="routing_timeline_case_event"),
    )
    op.create_index("ix_routing_timeline_case_id", "routing_timeline", ["case_id"])


def downgrade() -> None:
    for table in (
        "routing_timeline",
        "routing_priority_changes",
        "routing_referrals",
        "routing_case_reports",
        "routing_cases",
    ):
        op.drop_table(table)
