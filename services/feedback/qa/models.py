from datetime import datetime
from uuid import UUID

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from services.feedback.models import Base, tenant_column
from shared.db_types import UtcDateTime


class QaSample(Base):
    """One draw of handled cases for quality-assurance review: the period, the rule and seed, who drew it."""

    __tablename__ = "qa_sample"
    __table_args__ = (Index("ix_qa_sample_drawn_at", "drawn_at"),
                      Index("ix_qa_sample_tenant_drawn_at", "tenant", "drawn_at"))

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    tenant: Mapped[str] = tenant_column()
    period_start: Mapped[datetime] = mapped_column(UtcDateTime())
    period_end: Mapped[datetime] = mapped_column(UtcDateTime())
    requested_size: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(BigInteger)
    rule: Mapped[str] = mapped_column(String(300))
    drawn_by: Mapped[str] = mapped_column(String(200))
    drawn_at: Mapped[datetime] = mapped_column(UtcDateTime())


class QaSampleItem(Base):
    """A case a sample drew, as it stood then; a resolution is drawn at most once across samples (the unique
    constraint keeps two concurrent draws from taking the same one). Read only through its sample, whose tenant
    it shares."""

    __tablename__ = "qa_sample_item"
    __table_args__ = (UniqueConstraint("complaint_id", "resolved_at", name="uq_qa_sample_item_resolution"),)

    sample_id: Mapped[UUID] = mapped_column(Uuid, ForeignKey("qa_sample.id"), primary_key=True)
    complaint_id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    resolved_at: Mapped[datetime] = mapped_column(UtcDateTime())
    tracking_number: Mapped[str | None] = mapped_column(String(40))
    team_id: Mapped[str | None] = mapped_column(String(100))
    agent_id: Mapped[str | None] = mapped_column(String(100))
    evaluation_id: Mapped[UUID | None] = mapped_column(Uuid)
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
