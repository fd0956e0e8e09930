"""Tables of cases: one case per received complaint, its history, notes, investigation tasks, responses, and the
labels agents give (kept for retraining the classifier)."""

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from services.routing.base import Base
from shared.contracts.base import DEFAULT_TENANT
from shared.db_types import UtcDateTime


class Case(Base):
    __tablename__ = "case"

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    # The organisation the complaint belongs to (from complaint.received); its history, notes, tasks and responses
    # are only ever read through the case, so they carry none of their own.
    tenant: Mapped[str] = mapped_column(String(64), default=DEFAULT_TENANT, server_default=DEFAULT_TENANT)
    tracking_number: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(20))
    customer_id: Mapped[str] = mapped_column(String(200))
    customer_tier: Mapped[str | None] = mapped_column(String(40))
    locale: Mapped[str | None] = mapped_column(String(20))
    language: Mapped[str | None] = mapped_column(String(8))
    region: Mapped[str | None] = mapped_column(String(100))
    product_ref: Mapped[str | None] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    repeat: Mapped[bool] = mapped_column(Boolean)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(String(30))
    category: Mapped[str | None] = mapped_column(String(60))
    subcategory: Mapped[str | None] = mapped_column(String(60))
    severity: Mapped[int | None] = mapped_column(Integer)
    priority: Mapped[str | None] = mapped_column(String(20))
    # Higher first in the queues: critical 4 … low 0.
    priority_rank: Mapped[int] = mapped_column(Integer)
    confidence: Mapped[float | None] = mapped_column(Float)
    sentiment: Mapped[float | None] = mapped_column(Float)
    safety_flag: Mapped[bool] = mapped_column(Boolean)
    classification_source: Mapped[str | None] = mapped_column(String(20))
    needs_triage: Mapped[bool] = mapped_column(Boolean)
    tags: Mapped[list[str]] = mapped_column(JSON)
    team_id: Mapped[str | None] = mapped_column(String(64))
    agent_id: Mapped[str | None] = mapped_column(String(64))
    # Set while the case waits in its team's queue for an agent.
    queued_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # An escalated case waits for an agent of this role (team_lead, manager, director).
    required_role: Mapped[str | None] = mapped_column(String(20))
    escalation_level: Mapped[int] = mapped_column(Integer)
    transfers: Mapped[int] = mapped_column(Integer)
    last_agent_id: Mapped[str | None] = mapped_column(String(64))
    first_responded_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    resolution: Mapped[str | None] = mapped_column(Text)
    resolution_code: Mapped[str | None] = mapped_column(String(40))
    root_cause: Mapped[str | None] = mapped_column(String(40))
    merged_into: Mapped[UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (
        Index("ix_case_created", "created_at", "id"),
        Index("ix_case_tenant_created", "tenant", "created_at", "id"),
        Index("ix_case_status", "status"),
        Index("ix_case_agent", "agent_id"),
        Index("ix_case_queue", "team_id", "queued_at"),
    )


class CaseEntry(Base):
    """One step of a case's history: transitions, assignments, notes, responses, as they happened."""

    __tablename__ = "case_entry"

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    complaint_id: Mapped[UUID] = mapped_column(Uuid, ForeignKey("case.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    kind: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str | None] = mapped_column(String(100))
    text: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)

    __table_args__ = (Index("ix_case_entry_complaint_at", "complaint_id", "at"),)


class CaseNote(Base):
    """An internal note: agents and supervisors only, never shown to the customer."""

    __tablename__ = "case_note"

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    complaint_id: Mapped[UUID] = mapped_column(Uuid, ForeignKey("case.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    author: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)


class CaseTask(Base):
    """An investigation task of a case (check the delivery record, inspect the returned item …)."""

    __tablename__ = "case_task"

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    complaint_id: Mapped[UUID] = mapped_column(Uuid, ForeignKey("case.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    assignee: Mapped[str | None] = mapped_column(String(100))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    done_by: Mapped[str | None] = mapped_column(String(100))
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    outcome: Mapped[str | None] = mapped_column(Text)


class CaseResponse(Base):
    """A response to the customer: sent, or (critical cases) pending a supervisor's approval, or rejected."""

    __tablename__ = "case_response"

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    complaint_id: Mapped[UUID] = mapped_column(Uuid, ForeignKey("case.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(Text)
    template: Mapped[str | None] = mapped_column(String(60))
    author: Mapped[str] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    decision_note: Mapped[str | None] = mapped_column(Text)


class TriageLabel(Base):
    """A text with the category a person (or a confident source) gave it: training data for the classifier."""

    __tablename__ = "triage_label"

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    complaint_id: Mapped[UUID | None] = mapped_column(Uuid, index=True)
    # Read without its case (retraining), so it keeps the case's tenant itself.
    tenant: Mapped[str] = mapped_column(String(64), default=DEFAULT_TENANT, server_default=DEFAULT_TENANT)
    text: Mapped[str] = mapped_column(Text)
    label: Mapped[str] = mapped_column(String(130))
    source: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
