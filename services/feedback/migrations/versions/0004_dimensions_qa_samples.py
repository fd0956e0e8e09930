"""service-quality dimensions on answer facts, complaints of a hotspot, stored QA samples

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from shared.db_types import UtcDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Answers recorded before this revision get the dimension scores of the evaluation they came from (feedback
# emitted feedback.received with occurred_at = the evaluation's recorded_at).
BACKFILL_DIMENSIONS = sa.text(
    "UPDATE answer_fact SET dimensions = (SELECT evaluation.dimensions FROM evaluation"
    " WHERE evaluation.complaint_id = answer_fact.complaint_id AND evaluation.method = answer_fact.method"
    " AND evaluation.recorded_at = answer_fact.answered_at)"
)


def _qa_samples() -> None:
    op.create_table(
        "qa_sample",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("period_start", UtcDateTime(), nullable=False),
        sa.Column("period_end", UtcDateTime(), nullable=False),
        sa.Column("requested_size", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("rule", sa.String(length=300), nullable=False),
        sa.Column("drawn_by", sa.String(length=200), nullable=False),
        sa.Column("drawn_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("qa_sample", schema=None) as batch_op:
        batch_op.create_index("ix_qa_sample_drawn_at", ["drawn_at"], unique=False)
    op.create_table(
        "qa_sample_item",
        sa.Column("sample_id", sa.Uuid(), nullable=False),
        sa.Column("complaint_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("resolved_at", UtcDateTime(), nullable=False),
        sa.Column("tracking_number", sa.String(length=40), nullable=True),
        sa.Column("team_id", sa.String(length=100), nullable=True),
        sa.Column("agent_id", sa.String(length=100), nullable=True),
        sa.Column("evaluation_id", sa.Uuid(), nullable=True),
        sa.Column("reviewed_at", UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["sample_id"], ["qa_sample.id"]),
        sa.PrimaryKeyConstraint("sample_id", "complaint_id"),
        sa.UniqueConstraint("complaint_id", "resolved_at", name="uq_qa_sample_item_resolution"),
    )


def upgrade() -> None:
    with op.batch_alter_table("answer_fact", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dimensions", sa.JSON(), nullable=True))
    op.execute(BACKFILL_DIMENSIONS)
    with op.batch_alter_table("hotspot", schema=None) as batch_op:
        batch_op.add_column(sa.Column("complaint_ids", sa.JSON(), nullable=True))
    _qa_samples()


def downgrade() -> None:
    op.drop_table("qa_sample_item")
    with op.batch_alter_table("qa_sample", schema=None) as batch_op:
        batch_op.drop_index("ix_qa_sample_drawn_at")
    op.drop_table("qa_sample")
    with op.batch_alter_table("hotspot", schema=None) as batch_op:
        batch_op.drop_column("complaint_ids")
    with op.batch_alter_table("answer_fact", schema=None) as batch_op:
        batch_op.drop_column("dimensions")
