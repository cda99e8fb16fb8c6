"""Children's files, intake cases, reports, reporter contacts, idempotency keys and reporter feedback.

Revision ID: intake_0001
Revises:
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "intake_0001"
down_revision = None
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "children",
        sa.Column("child_id", sa.Text, primary_key=True),
        sa.Column("name", sa.Text),
        sa.Column("gender", sa.Text, nullable=False),
        sa.Column("birth_date", sa.Date),
        sa.Column("id_number", sa.Text),
        sa.Column("district", sa.Text, nullable=False),
        sa.Column("school", sa.Text),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
    )
    op.create_index(
        "children_id_number",
        "children",
        ["id_number"],
        unique=True,
        postgresql_where=sa.text("id_number IS NOT NULL"),
    )
    op.create_index("children_person", "children", ["name", "birth_date", "district"])
    op.create_table(
        "intake_cases",
        sa.Column("case_id", sa.Text, primary_key=True),
        sa.Column("child_id", sa.Text, sa.ForeignKey("children.child_id"), nullable=False),
        sa.Column("first_report_id", sa.Text, nullable=False),
        sa.Column("categories", postgresql.ARRAY(sa.Text), nullable=False),
        sa.Column("incident_occurred_at", TIMESTAMP, nullable=False),
        sa.Column("opened_at", TIMESTAMP, nullable=False),
        sa.Column("closed_at", TIMESTAMP),
        sa.Column("closing_outcome", sa.Text),
    )
    op.create_index(
        "intake_cases_open_by_child",
        "intake_cases",
        ["child_id"],
        postgresql_where=sa.text("closed_at IS NULL"),
    )
    op.create_table(
        "reports",
        sa.Column("report_id", sa.Text, primary_key=True),
        sa.Column("child_id", sa.Text, sa.ForeignKey("children.child_id"), nullable=False),
        sa.Column("case_id", sa.Text, sa.ForeignKey("intake_cases.case_id"), nullable=False),
        sa.Column("corroborates_report_id", sa.Text, sa.ForeignKey("reports.report_id")),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("categories", postgresql.ARRAY(sa.Text), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("occurred_at", TIMESTAMP, nullable=False),
        sa.Column("received_at", TIMESTAMP, nullable=False),
        sa.Column("location_district", sa.Text, nullable=False),
        sa.Column("location_address", sa.Text),
        sa.Column("area", sa.Text, nullable=False),
        sa.Column("immediate_danger", sa.Boolean, nullable=False),
        sa.Column("injured", sa.Boolean, nullable=False),
        sa.Column("suspected_offender_relation", sa.Text),
        sa.Column("child_age_years", sa.Integer),
        sa.Column("source_event_id", sa.Text),
    )
    op.create_index("ix_reports_child_id", "reports", ["child_id"])
    op.create_index("ix_reports_case_id", "reports", ["case_id"])
    op.create_table(
        "reporter_contacts",
        sa.Column("report_id", sa.Text, sa.ForeignKey("reports.report_id"), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("organization", sa.Text),
        sa.Column("phone", sa.Text, nullable=False),
        sa.Column("wants_feedback", sa.Boolean, nullable=False),
    )
    op.create_table(
        "report_idempotency_keys",
        sa.Column("idempotency_key", sa.Text, primary_key=True),
        sa.Column("request_fingerprint", sa.Text, nullable=False),
        sa.Column("status_code", sa.Integer),
        sa.Column("response", postgresql.JSONB),
        sa.Column("created_at", TIMESTAMP, nullable=False),
    )
    op.create_table(
        "reporter_feedback",
        sa.Column("feedback_id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("report_id", sa.Text, sa.ForeignKey("reports.report_id"), nullable=False),
        sa.Column("case_id", sa.Text, nullable=False),
        sa.Column("referral_id", sa.Text, nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("delivery", sa.Text, nullable=False),
        sa.Column("informed_at", TIMESTAMP, nullable=False),
        sa.Column("recorded_at", TIMESTAMP, nullable=False),
        sa.Column("source_event_id", sa.Text, nullable=False),
        sa.UniqueConstraint("report_id", "source_event_id", name="reporter_feedback_once"),
    )
    op.create_index("ix_reporter_feedback_report_id", "reporter_feedback", ["report_id"])


def downgrade() -> None:
    op.drop_table("reporter_feedback")
    op.drop_table("report_idempotency_keys")
    op.drop_table("reporter_contacts")
    op.drop_table("reports")
    op.drop_table("intake_cases")
    op.drop_table("children")
