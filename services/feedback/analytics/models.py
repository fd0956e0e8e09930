"""Tables of the analytics read model (in the feedback database): complaint facts, survey answers, hotspots,
improvement actions and the claims that keep periodic work to one replica."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import JSON, Boolean, Date, Float, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.feedback.models import Base, tenant_column
from shared.db_types import UtcDateTime


class ComplaintFact(Base):
    __tablename__ = "complaint_fact"
    __table_args__ = (Index("ix_complaint_fact_counted_at", "counted_at"),
                      Index("ix_complaint_fact_tenant_counted_at", "tenant", "counted_at"))

    complaint_id: Mapped[UUID] = mapped_column(primary_key=True)
    tenant: Mapped[str] = tenant_column()
    first_seen_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # received_at when known, else first_seen_at: the moment KPIs file the complaint under.
    counted_at: Mapped[datetime] = mapped_column(UtcDateTime())
    received_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    kind: Mapped[str | None] = mapped_column(String(20))
    channel: Mapped[str | None] = mapped_column(String(20))
    customer_tier: Mapped[str | None] = mapped_column(String(40))
    region: Mapped[str | None] = mapped_column(String(100))
    product: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str | None] = mapped_column(String(8))
    repeat: Mapped[bool] = mapped_column(Boolean(), default=False)
    subject: Mapped[str | None] = mapped_column(Text())
    description: Mapped[str | None] = mapped_column(Text())
    category: Mapped[str | None] = mapped_column(String(100))
    subcategory: Mapped[str | None] = mapped_column(String(100))
    severity: Mapped[int | None] = mapped_column(Integer())
    priority: Mapped[str | None] = mapped_column(String(20))
    team: Mapped[str | None] = mapped_column(String(100))
    agent: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str | None] = mapped_column(String(30))
    first_response_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    merged: Mapped[bool] = mapped_column(Boolean(), default=False)
    responses: Mapped[int] = mapped_column(Integer(), default=0)
    information_requests: Mapped[int] = mapped_column(Integer(), default=0)
    reopen_count: Mapped[int] = mapped_column(Integer(), default=0)
    transfers: Mapped[int] = mapped_column(Integer(), default=0)
    escalation_level: Mapped[int] = mapped_column(Integer(), default=0)
    sla: Mapped[dict[str, Any]] = mapped_column(JSON())
    surveys_sent: Mapped[int] = mapped_column(Integer(), default=0)


class AnswerFact(Base):
    """Read only through its complaint's fact, whose tenant it shares."""

    __tablename__ = "answer_fact"

    complaint_id: Mapped[UUID] = mapped_column(primary_key=True)
    answered_at: Mapped[datetime] = mapped_column(UtcDateTime(), primary_key=True)
    method: Mapped[str] = mapped_column(String(30), primary_key=True)
    csat: Mapped[int | None] = mapped_column(Integer())
    nps: Mapped[int | None] = mapped_column(Integer())
    ces: Mapped[int | None] = mapped_column(Integer())
    solved: Mapped[bool | None] = mapped_column(Boolean())
    # Scores by service-quality dimension; NULL on answers recorded before dimensions were kept.
    dimensions: Mapped[dict[str, int] | None] = mapped_column(JSON())


class FactEvent(Base):
    """Events already applied to the facts, by content: applying one again changes nothing."""

    __tablename__ = "fact_event"

    complaint_id: Mapped[UUID] = mapped_column(primary_key=True)
    ce_type: Mapped[str] = mapped_column(String(100), primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime(), primary_key=True)


class Hotspot(Base):
    __tablename__ = "hotspot"
    __table_args__ = (UniqueConstraint("tenant", "dimension", "value", "window_start",
                                       name="uq_hotspot_tenant_value_window"),
                      Index("ix_hotspot_window_start", "window_start"),
                      Index("ix_hotspot_tenant_window_start", "tenant", "window_start"))

    id: Mapped[UUID] = mapped_column(primary_key=True)
    tenant: Mapped[str] = tenant_column()
    dimension: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(200))
    window_start: Mapped[datetime] = mapped_column(UtcDateTime())
    window_end: Mapped[datetime] = mapped_column(UtcDateTime())
    count: Mapped[int] = mapped_column(Integer())
    expected: Mapped[float] = mapped_column(Float())
    upper_limit: Mapped[float] = mapped_column(Float())
    detected_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # The complaints counted in the window, latest first (NULL on hotspots found before they were kept).
    complaint_ids: Mapped[list[str] | None] = mapped_column(JSON())


class ImprovementAction(Base):
    __tablename__ = "improvement_action"
    __table_args__ = (Index("ix_improvement_action_status", "status"),
                      Index("ix_improvement_action_tenant_status", "tenant", "status"))

    id: Mapped[UUID] = mapped_column(primary_key=True)
    tenant: Mapped[str] = tenant_column()
    title: Mapped[str] = mapped_column(String(300))
    owner: Mapped[str] = mapped_column(String(200))
    due_date: Mapped[date] = mapped_column(Date())
    category: Mapped[str] = mapped_column(String(100))
    insight_id: Mapped[UUID | None] = mapped_column()
    complaint_ids: Mapped[list[str]] = mapped_column(JSON())
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class AnalyticsClaim(Base):
    """Who runs a piece of periodic work (a hotspot sweep, one period's report) and until when."""

    __tablename__ = "analytics_claim"

    job: Mapped[str] = mapped_column(String(40), primary_key=True)
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    holder: Mapped[str] = mapped_column(String(100))
    lease_until: Mapped[datetime] = mapped_column(UtcDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
