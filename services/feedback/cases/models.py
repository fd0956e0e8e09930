from datetime import datetime
from uuid import UUID

from sqlalchemy import Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from services.feedback.models import Base, tenant_column
from shared.db_types import UtcDateTime


class FeedbackCase(Base):
    """A complaint as the feedback service learnt it from events; created by whichever event comes first."""

    __tablename__ = "feedback_case"
    __table_args__ = (Index("ix_feedback_case_resolved_at", "resolved_at"),
                      Index("ix_feedback_case_tenant_resolved_at", "tenant", "resolved_at"))

    complaint_id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    tenant: Mapped[str] = tenant_column()
    tracking_number: Mapped[str | None] = mapped_column(String(40))
    locale: Mapped[str | None] = mapped_column(String(20))
    language: Mapped[str | None] = mapped_column(String(8))
    status: Mapped[str | None] = mapped_column(String(30))
    resolutions: Mapped[int] = mapped_column(Integer, default=0)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    team_id: Mapped[str | None] = mapped_column(String(100))
    agent_id: Mapped[str | None] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
