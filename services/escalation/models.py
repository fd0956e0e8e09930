"""Tables of the escalation database. The messaging tables (outbox, inbox) come from shared.messaging.tables."""

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import JSON, Boolean, Float, Index, Integer, MetaData, String, Text, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.audit.tables import include_audit_tables
from shared.auth.tables import include_auth_tables
from shared.contracts.base import DEFAULT_TENANT
from shared.db_types import UtcDateTime

metadata = MetaData()
include_audit_tables(metadata)  # the audit log every service keeps
include_auth_tables(metadata)  # the API keys every service checks


class Base(DeclarativeBase):
    metadata = metadata


class SlaCalendar(Base):
    """A business calendar by name, stored as the JSON of calendar_to_dict."""

    __tablename__ = "sla_calendar"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SlaPolicy(Base):
    """Which complaints a policy covers (conditions) and the clocks it runs for them (targets)."""

    __tablename__ = "sla_policy"
    __table_args__ = (Index("ix_sla_policy_position", "position", "id"),)

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer())
    active: Mapped[bool] = mapped_column(Boolean())
    conditions: Mapped[dict[str, Any]] = mapped_column(JSON())
    targets: Mapped[dict[str, Any]] = mapped_column(JSON())
    warning_thresholds: Mapped[list[int]] = mapped_column(JSON())
    version: Mapped[int] = mapped_column(Integer())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class EscalationLevel(Base):
    """One rung of the escalation ladder and what raises a complaint to it."""

    __tablename__ = "escalation_level"

    level: Mapped[int] = mapped_column(Integer(), primary_key=True, autoincrement=False)
    role: Mapped[str] = mapped_column(String(60))
    breach_targets: Mapped[list[str]] = mapped_column(JSON())
    after_breach_minutes: Mapped[float | None] = mapped_column(Float())
    min_severity: Mapped[int | None] = mapped_column(Integer())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class AuditEntry(Base):
    """Who changed a policy, calendar or ladder level, when, and how it looked before and after."""

    __tablename__ = "sla_audit"
    __table_args__ = (Index("ix_sla_audit_entity", "entity", "entity_id", "at"),)

    id: Mapped[UUID] = mapped_column(Uuid(), primary_key=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(200))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON())
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON())
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class SlaComplaint(Base):
    """What escalation knows of a complaint: when it arrived, how it was classified, who works on it, its level."""

    __tablename__ = "sla_complaint"

    id: Mapped[UUID] = mapped_column(Uuid(), primary_key=True)
    received_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    channel: Mapped[str | None] = mapped_column(String(20))
    customer_tier: Mapped[str | None] = mapped_column(String(40))
    tenant: Mapped[str] = mapped_column(String(64), default=DEFAULT_TENANT, server_default=DEFAULT_TENANT)
    category: Mapped[str | None] = mapped_column(String(100))
    priority: Mapped[str | None] = mapped_column(String(20))
    severity: Mapped[int | None] = mapped_column(Integer())
    team_id: Mapped[str | None] = mapped_column(String(100))
    agent_id: Mapped[str | None] = mapped_column(String(100))
    assigned_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    status: Mapped[str | None] = mapped_column(String(30))
    held_since: Mapped[datetime | None] = mapped_column(UtcDateTime())
    policy_id: Mapped[str | None] = mapped_column(String(100))
    escalation_level: Mapped[int] = mapped_column(Integer())
    escalation_role: Mapped[str | None] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SlaClock(Base):
    """One target's clock for one complaint; `next_fire_at` is when the timer job next has work on it."""

    __tablename__ = "sla_clock"
    __table_args__ = (
        Index("ix_sla_clock_complaint", "complaint_id", "target"),
        Index("ix_sla_clock_next_fire", "next_fire_at"),
        Index("ix_sla_clock_policy_state", "policy_id", "state"),
        Index("ix_sla_clock_started", "started_at"),
        Index("ix_sla_clock_tenant_started", "tenant", "started_at"),  # the reports count one tenant's clocks
    )

    id: Mapped[UUID] = mapped_column(Uuid(), primary_key=True)
    complaint_id: Mapped[UUID] = mapped_column(Uuid())
    # The complaint's tenant, copied so that the timer's events and the reports need no join to know it.
    tenant: Mapped[str] = mapped_column(String(64), default=DEFAULT_TENANT, server_default=DEFAULT_TENANT)
    target: Mapped[str] = mapped_column(String(30))
    policy_id: Mapped[str] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(20))
    business_hours: Mapped[bool] = mapped_column(Boolean())
    calendar: Mapped[str] = mapped_column(String(100))
    target_minutes: Mapped[float] = mapped_column(Float())
    thresholds: Mapped[list[int]] = mapped_column(JSON())
    warned: Mapped[list[int]] = mapped_column(JSON())
    escalated_after_breach: Mapped[list[int]] = mapped_column(JSON())
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    running_since: Mapped[datetime | None] = mapped_column(UtcDateTime())
    elapsed_s: Mapped[float] = mapped_column(Float())
    due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    next_fire_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    breached_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    met: Mapped[bool | None] = mapped_column(Boolean())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Escalation(Base):
    """One raise of a complaint's escalation level: the history. Read only through its complaint, whose tenant
    it shares (no column of its own)."""

    __tablename__ = "escalation"
    __table_args__ = (Index("ix_escalation_complaint", "complaint_id", "at"),)

    id: Mapped[UUID] = mapped_column(Uuid(), primary_key=True)
    complaint_id: Mapped[UUID] = mapped_column(Uuid())
    from_level: Mapped[int] = mapped_column(Integer())
    level: Mapped[int] = mapped_column(Integer())
    role: Mapped[str] = mapped_column(String(60))
    trigger: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(Text())
    target: Mapped[str | None] = mapped_column(String(30))
    actor: Mapped[str | None] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UtcDateTime())


# The webhook tables live with the webhooks; imported here so this metadata describes the whole database.
from services.escalation.webhooks import models as webhook_models  # noqa: E402, F401
