"""The audit trail in the service's schema: append-only, hash-chained.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01

A trigger refuses UPDATE, DELETE and TRUNCATE whatever the role, so a service (or anyone holding its
credentials) can only append; verification (`python -m backbone.audit verify`) detects rows altered by
someone who bypassed it.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("service", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("method", sa.Text, nullable=False),
        sa.Column("route", sa.Text, nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("client_id", sa.Text, nullable=False),
        sa.Column("agency", sa.Text, nullable=False),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("resource", postgresql.JSONB, nullable=False),
        sa.Column("trace_id", sa.Text),
        sa.Column("purpose", sa.Text),
        sa.Column("prev_hash", sa.Text, nullable=False),
        sa.Column("hash", sa.Text, nullable=False),
    )
    op.create_index("audit_log_actor", "audit_log", ["subject", "id"])
    op.create_index("audit_log_resource", "audit_log", ["resource"], postgresql_using="gin")
    op.execute(
        """
        CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'insufficient_privilege';
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
    )
    op.execute(
        "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
    )


def downgrade() -> None:
    op.drop_table("audit_log")
    op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
