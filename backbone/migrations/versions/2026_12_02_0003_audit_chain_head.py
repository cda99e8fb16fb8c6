"""The audit chain's head in one round trip: lock the chain and read its last hash in one statement.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02

`audit_chain_head(key)` takes the chain's advisory lock (the same lock as before, so appenders of either
kind still order) and then reads the last record's hash. A VOLATILE function's query gets a fresh
snapshot, so it sees a record committed by the appender it waited for; one statement cannot do both
(its snapshot predates the wait). An append is then this, the record's insert and the commit.
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE FUNCTION audit_chain_head(lock_key text) RETURNS text LANGUAGE plpgsql VOLATILE AS $$
        BEGIN
            PERFORM pg_advisory_xact_lock(hashtext(lock_key));
            RETURN (SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1);
        END $$
        """
    )


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS audit_chain_head(text)")
