from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import JSON, Boolean, Float, Index, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from services.feedback.models import Base, tenant_column
from shared.db_types import UtcDateTime


class Evaluation(Base):
    """One scorecard: a survey answer (one per survey) or the result of another evaluation method."""

    __tablename__ = "evaluation"
    __table_args__ = (
        UniqueConstraint("survey_id", name="uq_evaluation_survey"),
        Index("ix_evaluation_complaint", "complaint_id"),
        Index("ix_evaluation_method_recorded", "method", "recorded_at"),
    )

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    complaint_id: Mapped[UUID] = mapped_column(Uuid)
    tenant: Mapped[str] = tenant_column()
    method: Mapped[str] = mapped_column(String(30))
    survey_id: Mapped[UUID | None] = mapped_column(Uuid)
    csat: Mapped[int | None] = mapped_column(Integer)
    solved: Mapped[bool | None] = mapped_column(Boolean)
    nps: Mapped[int | None] = mapped_column(Integer)
    ces: Mapped[int | None] = mapped_column(Integer)
    dimensions: Mapped[dict[str, Any]] = mapped_column(JSON)
    comment: Mapped[str | None] = mapped_column(Text)
    sentiment: Mapped[float | None] = mapped_column(Float)
    evaluator: Mapped[str | None] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
