"""the tenant of every row that holds complaint data

Revision ID: 0007
Revises: 0006

Each row belongs to the tenant of the event that made it (or of the caller, for QA samples and improvement
actions); rows from before belong to `default`. Answer facts and QA sample items are read only through their
complaint's fact and their sample, and share their tenant. A hotspot is now a rise within one tenant.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TENANT_TABLES = ("feedback_case", "survey", "evaluation", "follow_up_task", "qa_sample", "complaint_fact", "hotspot",
                 "improvement_action")
# index name -> (table, columns)
INDEXES = {
    "ix_feedback_case_tenant_resolved_at": ("feedback_case", ["tenant", "resolved_at"]),
    "ix_follow_up_task_tenant_status": ("follow_up_task", ["tenant", "status"]),
    "ix_qa_sample_tenant_drawn_at": ("qa_sample", ["tenant", "drawn_at"]),
    "ix_complaint_fact_tenant_counted_at": ("complaint_fact", ["tenant", "counted_at"]),
    "ix_hotspot_tenant_window_start": ("hotspot", ["tenant", "window_start"]),
    "ix_improvement_action_tenant_status": ("improvement_action", ["tenant", "status"]),
}


def upgrade() -> None:
    # Plain ADD COLUMN (no table rebuild): qa_sample_item refers to qa_sample.
    for table in TENANT_TABLES:
        op.add_column(table, sa.Column("tenant", sa.String(64), nullable=False, server_default="default"))
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns, unique=False)
    # Nothing refers to hotspot, so SQLite may rebuild it to change the constraint.
    with op.batch_alter_table("hotspot", schema=None) as batch_op:
        batch_op.drop_constraint("uq_hotspot_value_window", type_="unique")
        batch_op.create_unique_constraint("uq_hotspot_tenant_value_window",
                                          ["tenant", "dimension", "value", "window_start"])


def downgrade() -> None:
    # Two tenants may share a value's day; hotspots are derived data, and the next sweep finds today's again.
    op.execute("DELETE FROM hotspot WHERE tenant <> 'default'")
    with op.batch_alter_table("hotspot", schema=None) as batch_op:
        batch_op.drop_constraint("uq_hotspot_tenant_value_window", type_="unique")
        batch_op.create_unique_constraint("uq_hotspot_value_window", ["dimension", "value", "window_start"])
    for name, (table, _) in INDEXES.items():
        op.drop_index(name, table_name=table)
    # A plain DROP COLUMN on SQLite too (3.35+): a batch rebuild of qa_sample would break qa_sample_item's key.
    for table in TENANT_TABLES:
        op.execute(f"ALTER TABLE {table} DROP COLUMN tenant")
