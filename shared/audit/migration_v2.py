"""Audit tables, second version: each entry names the tenant whose data changed. Called by one migration of each
service; entries from before belong to `default` (and hash as they did, see chain.py).

Frozen, like migration_v1."""

import sqlalchemy as sa
from alembic import op


def upgrade() -> None:
    op.add_column("audit_log", sa.Column("tenant", sa.String(64), nullable=False, server_default="default"))
    op.create_index("ix_audit_log_tenant_seq", "audit_log", ["tenant", "seq"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_tenant_seq", table_name="audit_log")
    # Plain DROP COLUMN (SQLite 3.35+), as the services' own tenant migrations do.
    op.drop_column("audit_log", "tenant")
