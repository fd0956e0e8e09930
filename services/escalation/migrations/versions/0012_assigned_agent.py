"""the agent a complaint is assigned to, for per-queue visibility of SLA status

Revision ID: 0012
Revises: 0011

complaint.assigned names the agent as well as the team; an agent may read the SLA status of the complaints
assigned to them or waiting in their queues, as in routing. Complaints assigned before have none until their
next assignment, and are seen through their team.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("sla_complaint", sa.Column("agent_id", sa.String(100), nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+), as the tenant migrations do.
    op.drop_column("sla_complaint", "agent_id")
