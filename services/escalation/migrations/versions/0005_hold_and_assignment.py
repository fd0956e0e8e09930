"""a complaint remembers its first assignment and whether it is on hold

Revision ID: 0005
Revises: 0004

Targets may start at the first assignment, which can arrive before the classification that picks the policy;
clocks pause while staff hold the case, and must stay paused when it also leaves awaiting_customer meanwhile.
"""

import sqlalchemy as sa
from alembic import op

from shared.db_types import UtcDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sla_complaint") as batch:
        batch.add_column(sa.Column("assigned_at", UtcDateTime(), nullable=True))
        batch.add_column(sa.Column("held_since", UtcDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sla_complaint") as batch:
        batch.drop_column("held_since")
        batch.drop_column("assigned_at")
