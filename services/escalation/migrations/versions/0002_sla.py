"""SLA calendars, policies, clocks, the escalation ladder and history, and the audit of changes; with defaults

Revision ID: 0002
Revises: 0001
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from services.escalation.calendars import DEFAULT_CALENDARS, calendar_to_dict
from shared.db_types import UtcDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

THRESHOLDS = [75, 90]


def _target(minutes: int, business_hours: bool, calendar: str = "cn-standard") -> dict:
    return {"minutes": minutes, "business_hours": business_hours, "calendar": calendar if business_hours else "24x7"}


# The policies every deployment starts with; all of them are editable through the API.
DEFAULT_POLICIES = [
    ("critical", "Critical complaints", {"priority": ["critical"]},
     {"first_response": _target(60, False), "next_response": _target(120, False),
      "resolution": _target(1440, False)}),
    ("urgent", "Urgent complaints", {"priority": ["urgent"]},
     {"first_response": _target(240, False), "next_response": _target(480, False),
      "resolution": _target(2880, False)}),
    # First responses round the clock: every complaint is answered within 24 hours (0004 moves older seeds).
    ("high", "High-priority complaints", {"priority": ["high"]},
     {"first_response": _target(480, False), "next_response": _target(480, True),
      "resolution": _target(2400, True)}),
    ("standard", "Normal and low-priority complaints", {},
     {"first_response": _target(1440, False), "next_response": _target(1440, True),
      "resolution": _target(4800, True)}),
]

DEFAULT_LADDER = [
    (1, "team_lead", ["first_response", "next_response", "periodic_update"], None, 4),
    (2, "manager", ["resolution"], 240, 5),
    (3, "director", [], 1440, None),
]


def _create_tables() -> None:
    op.create_table(
        "sla_calendar",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "sla_policy",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column("targets", sa.JSON(), nullable=False),
        sa.Column("warning_thresholds", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sla_policy", schema=None) as batch_op:
        batch_op.create_index("ix_sla_policy_position", ["position", "id"], unique=False)
    op.create_table(
        "escalation_level",
        sa.Column("level", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("role", sa.String(length=60), nullable=False),
        sa.Column("breach_targets", sa.JSON(), nullable=False),
        sa.Column("after_breach_minutes", sa.Float(), nullable=True),
        sa.Column("min_severity", sa.Integer(), nullable=True),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("level"),
    )
    op.create_table(
        "sla_audit",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sla_audit", schema=None) as batch_op:
        batch_op.create_index("ix_sla_audit_entity", ["entity", "entity_id", "at"], unique=False)
        batch_op.create_index(batch_op.f("ix_sla_audit_at"), ["at"], unique=False)
    _create_complaint_tables()


def _create_complaint_tables() -> None:
    op.create_table(
        "sla_complaint",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("received_at", UtcDateTime(), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=True),
        sa.Column("customer_tier", sa.String(length=40), nullable=True),
        sa.Column("category", sa.String(length=100), nullable=True),
        sa.Column("priority", sa.String(length=20), nullable=True),
        sa.Column("severity", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=30), nullable=True),
        sa.Column("policy_id", sa.String(length=100), nullable=True),
        sa.Column("escalation_level", sa.Integer(), nullable=False),
        sa.Column("escalation_role", sa.String(length=60), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "sla_clock",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("complaint_id", sa.Uuid(), nullable=False),
        sa.Column("target", sa.String(length=30), nullable=False),
        sa.Column("policy_id", sa.String(length=100), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("business_hours", sa.Boolean(), nullable=False),
        sa.Column("calendar", sa.String(length=100), nullable=False),
        sa.Column("target_minutes", sa.Float(), nullable=False),
        sa.Column("thresholds", sa.JSON(), nullable=False),
        sa.Column("warned", sa.JSON(), nullable=False),
        sa.Column("escalated_after_breach", sa.JSON(), nullable=False),
        sa.Column("started_at", UtcDateTime(), nullable=False),
        sa.Column("running_since", UtcDateTime(), nullable=True),
        sa.Column("elapsed_s", sa.Float(), nullable=False),
        sa.Column("due_at", UtcDateTime(), nullable=False),
        sa.Column("next_fire_at", UtcDateTime(), nullable=True),
        sa.Column("breached_at", UtcDateTime(), nullable=True),
        sa.Column("ended_at", UtcDateTime(), nullable=True),
        sa.Column("met", sa.Boolean(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sla_clock", schema=None) as batch_op:
        batch_op.create_index("ix_sla_clock_complaint", ["complaint_id", "target"], unique=False)
        batch_op.create_index("ix_sla_clock_next_fire", ["next_fire_at"], unique=False)
        batch_op.create_index("ix_sla_clock_policy_state", ["policy_id", "state"], unique=False)
        batch_op.create_index("ix_sla_clock_started", ["started_at"], unique=False)
    op.create_table(
        "escalation",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("complaint_id", sa.Uuid(), nullable=False),
        sa.Column("from_level", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=60), nullable=False),
        sa.Column("trigger", sa.String(length=30), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("target", sa.String(length=30), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=True),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.create_index("ix_escalation_complaint", ["complaint_id", "at"], unique=False)


def _seed() -> None:
    now = datetime.now(UTC)
    calendars = sa.table("sla_calendar", sa.column("name"), sa.column("definition", sa.JSON()),
                         sa.column("created_at", UtcDateTime()), sa.column("updated_at", UtcDateTime()))
    op.bulk_insert(calendars, [{"name": name, "definition": calendar_to_dict(calendar), "created_at": now,
                                "updated_at": now} for name, calendar in DEFAULT_CALENDARS.items()])
    policies = sa.table("sla_policy", *(sa.column(name) for name in ("id", "name", "position", "active", "version")),
                        *(sa.column(name, sa.JSON()) for name in ("conditions", "targets", "warning_thresholds")),
                        sa.column("created_at", UtcDateTime()), sa.column("updated_at", UtcDateTime()))
    op.bulk_insert(policies, [
        {"id": key, "name": name, "position": (index + 1) * 10, "active": True, "version": 1,
         "conditions": conditions, "targets": targets, "warning_thresholds": THRESHOLDS, "created_at": now,
         "updated_at": now} for index, (key, name, conditions, targets) in enumerate(DEFAULT_POLICIES)])
    levels = sa.table("escalation_level", sa.column("level"), sa.column("role"),
                      sa.column("breach_targets", sa.JSON()), sa.column("after_breach_minutes"),
                      sa.column("min_severity"), sa.column("updated_at", UtcDateTime()))
    op.bulk_insert(levels, [
        {"level": level, "role": role, "breach_targets": targets, "after_breach_minutes": after,
         "min_severity": severity, "updated_at": now} for level, role, targets, after, severity in DEFAULT_LADDER])


def upgrade() -> None:
    _create_tables()
    _seed()


def downgrade() -> None:
    for table in ("escalation", "sla_clock", "sla_complaint", "sla_audit", "escalation_level", "sla_policy",
                  "sla_calendar"):
        op.drop_table(table)
