"""surveys: cases as feedback knows them, surveys, evaluations (survey answers and other methods), follow-up tasks

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from shared.db_types import UtcDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _cases_and_surveys() -> None:
    op.create_table(
        "feedback_case",
        sa.Column("complaint_id", sa.Uuid(), nullable=False),
        sa.Column("tracking_number", sa.String(length=40), nullable=True),
        sa.Column("locale", sa.String(length=20), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("status", sa.String(length=30), nullable=True),
        sa.Column("resolutions", sa.Integer(), nullable=False),
        sa.Column("resolved_at", UtcDateTime(), nullable=True),
        sa.Column("team_id", sa.String(length=100), nullable=True),
        sa.Column("agent_id", sa.String(length=100), nullable=True),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("complaint_id"),
    )
    with op.batch_alter_table("feedback_case", schema=None) as batch_op:
        batch_op.create_index("ix_feedback_case_resolved_at", ["resolved_at"], unique=False)
    op.create_table(
        "survey",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("complaint_id", sa.Uuid(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("send_at", UtcDateTime(), nullable=False),
        sa.Column("sent_at", UtcDateTime(), nullable=True),
        sa.Column("expires_at", UtcDateTime(), nullable=True),
        sa.Column("remind_at", UtcDateTime(), nullable=True),
        sa.Column("reminded_at", UtcDateTime(), nullable=True),
        sa.Column("close_at", UtcDateTime(), nullable=True),
        sa.Column("close_requested_at", UtcDateTime(), nullable=True),
        sa.Column("answered_at", UtcDateTime(), nullable=True),
        sa.Column("next_due_at", UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("complaint_id", "round", name="uq_survey_complaint_round"),
    )
    with op.batch_alter_table("survey", schema=None) as batch_op:
        batch_op.create_index("ix_survey_next_due_at", ["next_due_at"], unique=False)


def _evaluations_and_tasks() -> None:
    op.create_table(
        "evaluation",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("complaint_id", sa.Uuid(), nullable=False),
        sa.Column("method", sa.String(length=30), nullable=False),
        sa.Column("survey_id", sa.Uuid(), nullable=True),
        sa.Column("csat", sa.Integer(), nullable=True),
        sa.Column("solved", sa.Boolean(), nullable=True),
        sa.Column("nps", sa.Integer(), nullable=True),
        sa.Column("ces", sa.Integer(), nullable=True),
        sa.Column("dimensions", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("sentiment", sa.Float(), nullable=True),
        sa.Column("evaluator", sa.String(length=200), nullable=True),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("survey_id", name="uq_evaluation_survey"),
    )
    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        batch_op.create_index("ix_evaluation_complaint", ["complaint_id"], unique=False)
        batch_op.create_index("ix_evaluation_method_recorded", ["method", "recorded_at"], unique=False)
    op.create_table(
        "follow_up_task",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("complaint_id", sa.Uuid(), nullable=False),
        sa.Column("evaluation_id", sa.Uuid(), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("assignee", sa.String(length=200), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("assigned_at", UtcDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("reached", sa.Boolean(), nullable=True),
        sa.Column("accepted", sa.Boolean(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("completed_at", UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("follow_up_task", schema=None) as batch_op:
        batch_op.create_index("ix_follow_up_task_status_created", ["status", "created_at"], unique=False)
        batch_op.create_index("ix_follow_up_task_complaint", ["complaint_id"], unique=False)


def upgrade() -> None:
    _cases_and_surveys()
    _evaluations_and_tasks()


def downgrade() -> None:
    with op.batch_alter_table("follow_up_task", schema=None) as batch_op:
        batch_op.drop_index("ix_follow_up_task_complaint")
        batch_op.drop_index("ix_follow_up_task_status_created")
    op.drop_table("follow_up_task")
    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        batch_op.drop_index("ix_evaluation_method_recorded")
        batch_op.drop_index("ix_evaluation_complaint")
    op.drop_table("evaluation")
    with op.batch_alter_table("survey", schema=None) as batch_op:
        batch_op.drop_index("ix_survey_next_due_at")
    op.drop_table("survey")
    with op.batch_alter_table("feedback_case", schema=None) as batch_op:
        batch_op.drop_index("ix_feedback_case_resolved_at")
    op.drop_table("feedback_case")
