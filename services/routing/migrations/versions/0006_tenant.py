"""the tenant a case belongs to

Revision ID: 0006
Revises: 0005

complaint.received names the organisation a complaint belongs to; cases and the triage labels taken from them
keep it. Rows from before belong to `default`. Plain ADD and DROP COLUMN (no table rebuild) keep the rows that
refer to the case table.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("case", "triage_label"):
        op.add_column(table, sa.Column("tenant", sa.String(64), nullable=False, server_default="default"))
    # Listings of a tenant's cases, newest first.
    op.create_index("ix_case_tenant_created", "case", ["tenant", "created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_case_tenant_created", table_name="case")
    # A plain DROP COLUMN on SQLite too (3.35+): a batch rebuild would drop the case table, and with it, through
    # ON DELETE CASCADE, every row that refers to it.
    op.execute('ALTER TABLE "case" DROP COLUMN tenant')
    op.execute("ALTER TABLE triage_label DROP COLUMN tenant")
