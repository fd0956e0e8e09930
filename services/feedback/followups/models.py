from datetime import datetime
from uuid import UUID

from sqlalchemy import JSON, Boolean, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from services.feedback.models import Base, tenant_column
from shared.db_types import UtcDateTime


class FollowUpTask(Base):
    __tablename__ = "follow_up_task"
    __table_args__ = (
        Index("ix_follow_up_task_status_created", "status", "created_at"),
        Index("ix_follow_up_task_complaint", "complaint_id"),
        Index("ix_follow_up_task_tenant_status", "tenant", "status"),
    )

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    complaint_id: Mapped[UUID] = mapped_column(Uuid)
    tenant: Mapped[str] = tenant_column()
    evaluation_id: Mapped[UUID | None] = mapped_column(Uuid)
    reasons: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20))
    assignee: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    assigned_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    reached: Mapped[bool | None] = mapped_column(Boolean)
    accepted: Mapped[bool | None] = mapped_column(Boolean)
    notes: Mapped[str | None] = mapped_column(Text)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
