from datetime import datetime
from uuid import UUID

from sqlalchemy import Index, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from services.feedback.models import Base, tenant_column
from shared.db_types import UtcDateTime


class Survey(Base):
    """One survey per resolution of a complaint (`round` counts them); `next_due_at` is when the survey job must
    look at it again, so the job reads only due rows."""

    __tablename__ = "survey"
    __table_args__ = (
        UniqueConstraint("complaint_id", "round", name="uq_survey_complaint_round"),
        Index("ix_survey_next_due_at", "next_due_at"),
    )

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    complaint_id: Mapped[UUID] = mapped_column(Uuid)
    tenant: Mapped[str] = tenant_column()
    round: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20))
    language: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    send_at: Mapped[datetime] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    remind_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    close_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    close_requested_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    next_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
