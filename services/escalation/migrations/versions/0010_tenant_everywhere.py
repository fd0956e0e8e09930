"""the tenant on clocks and webhook deliveries

Revision ID: 0010
Revises: 0009

Every row of complaint data names its tenant, so each tenant's clocks, reports and delivery logs are kept apart
in SQL. Existing rows take their complaint's tenant (`default` when escalation never heard of the complaint).
Escalations and webhook attempts are read only through their complaint and delivery: they take no column.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

TABLES = ("sla_clock", "webhook_delivery")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("tenant", sa.String(64), nullable=False, server_default="default"))
        op.execute(f"UPDATE {table} SET tenant = (SELECT sla_complaint.tenant FROM sla_complaint "
                   f"WHERE sla_complaint.id = {table}.complaint_id) "
                   f"WHERE EXISTS (SELECT 1 FROM sla_complaint WHERE sla_complaint.id = {table}.complaint_id)")
    op.create_index("ix_sla_clock_tenant_started", "sla_clock", ["tenant", "started_at"])


def downgrade() -> None:
    op.drop_index("ix_sla_clock_tenant_started", table_name="sla_clock")
    # Plain DROP COLUMN on SQLite too (3.35+): a batch rebuild would drop the tables and, through foreign keys,
    # the rows that refer to them.
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} DROP COLUMN tenant")
