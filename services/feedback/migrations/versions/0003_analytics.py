"""analytics: complaint facts, answers, hotspots, improvement actions, claims of periodic work

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from shared.db_types import UtcDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _complaint_fact() -> None:
    op.create_table(
        "complaint_fact",
        sa.Column("complaint_id", sa.Uuid(), nullable=False),
        sa.Column("first_seen_at", UtcDateTime(), nullable=False),
        sa.Column("counted_at", UtcDateTime(), nullable=False),
        sa.Column("received_at", UtcDateTime(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=True),
        sa.Column("customer_tier", sa.String(length=40), nullable=True),
        sa.Column("region", sa.String(length=100), nullable=True),
        sa.Column("product", sa.String(length=200), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("repeat", sa.Boolean(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("category", sa.String(length=100), nullable=True),
        sa.Column("subcategory", sa.String(length=100), nullable=True),
        sa.Column("severity", sa.Integer(), nullable=True),
        sa.Column("priority", sa.String(length=20), nullable=True),
        sa.Column("team", sa.String(length=100), nullable=True),
        sa.Column("agent", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=30), nullable=True),
        sa.Column("first_response_at", UtcDateTime(), nullable=True),
        sa.Column("resolved_at", UtcDateTime(), nullable=True),
        sa.Column("closed_at", UtcDateTime(), nullable=True),
        sa.Column("withdrawn_at", UtcDateTime(), nullable=True),
        sa.Column("merged", sa.Boolean(), nullable=False),
        sa.Column("responses", sa.Integer(), nullable=False),
        sa.Column("information_requests", sa.Integer(), nullable=False),
        sa.Column("reopen_count", sa.Integer(), nullable=False),
        sa.Column("transfers", sa.Integer(), nullable=False),
        sa.Column("escalation_level", sa.Integer(), nullable=False),
        sa.Column("sla", sa.JSON(), nullable=False),
        sa.Column("surveys_sent", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("complaint_id"),
    )
    with op.batch_alter_table("complaint_fact", schema=None) as batch_op:
        batch_op.create_index("ix_complaint_fact_counted_at", ["counted_at"], unique=False)


def _answers_and_events() -> None:
    op.create_table(
        "answer_fact",
        sa.Column("complaint_id", sa.Uuid(), nullable=False),
        sa.Column("answered_at", UtcDateTime(), nullable=False),
        sa.Column("method", sa.String(length=30), nullable=False),
        sa.Column("csat", sa.Integer(), nullable=True),
        sa.Column("nps", sa.Integer(), nullable=True),
        sa.Column("ces", sa.Integer(), nullable=True),
        sa.Column("solved", sa.Boolean(), nullable=True),
        sa.PrimaryKeyConstraint("complaint_id", "answered_at", "method"),
    )
    op.create_table(
        "fact_event",
        sa.Column("complaint_id", sa.Uuid(), nullable=False),
        sa.Column("ce_type", sa.String(length=100), nullable=False),
        sa.Column("occurred_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("complaint_id", "ce_type", "occurred_at"),
    )


def _insights_and_actions() -> None:
    op.create_table(
        "hotspot",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("dimension", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("window_start", UtcDateTime(), nullable=False),
        sa.Column("window_end", UtcDateTime(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("expected", sa.Float(), nullable=False),
        sa.Column("upper_limit", sa.Float(), nullable=False),
        sa.Column("detected_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dimension", "value", "window_start", name="uq_hotspot_value_window"),
    )
    with op.batch_alter_table("hotspot", schema=None) as batch_op:
        batch_op.create_index("ix_hotspot_window_start", ["window_start"], unique=False)
    op.create_table(
        "improvement_action",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("category", sa.String(length=100), nullable=False),
        sa.Column("insight_id", sa.Uuid(), nullable=True),
        sa.Column("complaint_ids", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("started_at", UtcDateTime(), nullable=True),
        sa.Column("done_at", UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("improvement_action", schema=None) as batch_op:
        batch_op.create_index("ix_improvement_action_status", ["status"], unique=False)
    op.create_table(
        "analytics_claim",
        sa.Column("job", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("holder", sa.String(length=100), nullable=False),
        sa.Column("lease_until", UtcDateTime(), nullable=False),
        sa.Column("done_at", UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("job", "key"),
    )


def upgrade() -> None:
    _complaint_fact()
    _answers_and_events()
    _insights_and_actions()


def downgrade() -> None:
    op.drop_table("analytics_claim")
    with op.batch_alter_table("improvement_action", schema=None) as batch_op:
        batch_op.drop_index("ix_improvement_action_status")
    op.drop_table("improvement_action")
    with op.batch_alter_table("hotspot", schema=None) as batch_op:
        batch_op.drop_index("ix_hotspot_window_start")
    op.drop_table("hotspot")
    op.drop_table("fact_event")
    op.drop_table("answer_fact")
    with op.batch_alter_table("complaint_fact", schema=None) as batch_op:
        batch_op.drop_index("ix_complaint_fact_counted_at")
    op.drop_table("complaint_fact")
