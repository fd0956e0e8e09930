"""Queries of QA samples."""

from datetime import datetime
from uuid import UUID

from sqlalchemy import and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.feedback.cases.models import FeedbackCase
from services.feedback.qa.models import QaSample, QaSampleItem
from shared.errors import NotFound


class QaSampleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, sample: QaSample, items: list[QaSampleItem]) -> None:
        self.session.add(sample)
        self.session.add_all(items)

    async def eligible(self, *, tenant: str, start: datetime, end: datetime) -> list[FeedbackCase]:
        """The tenant's cases last resolved in [start, end) whose resolution no sample has drawn, by complaint id."""
        drawn = exists().where(and_(QaSampleItem.complaint_id == FeedbackCase.complaint_id,
                                    QaSampleItem.resolved_at == FeedbackCase.resolved_at))
        rows = await self.session.scalars(
            select(FeedbackCase).where(FeedbackCase.tenant == tenant, FeedbackCase.resolved_at >= start,
                                       FeedbackCase.resolved_at < end, ~drawn)
            .order_by(FeedbackCase.complaint_id))
        return list(rows)

    async def get(self, sample_id: UUID, *, tenant: str) -> QaSample:
        """The sample; another tenant's is as unknown as a missing one."""
        sample = await self.session.scalar(select(QaSample).where(QaSample.id == sample_id,
                                                                  QaSample.tenant == tenant))
        if sample is None:
            raise NotFound(f"no QA sample {sample_id}", sample_id=str(sample_id))
        return sample

    async def items(self, sample_id: UUID) -> list[QaSampleItem]:
        rows = await self.session.scalars(select(QaSampleItem).where(QaSampleItem.sample_id == sample_id)
                                          .order_by(QaSampleItem.position))
        return list(rows)

    async def item(self, sample_id: UUID, complaint_id: UUID) -> QaSampleItem:
        statement = select(QaSampleItem).where(QaSampleItem.sample_id == sample_id,
                                               QaSampleItem.complaint_id == complaint_id).with_for_update()
        item = await self.session.scalar(statement)
        if item is None:
            raise NotFound(f"complaint {complaint_id} is not in QA sample {sample_id}", sample_id=str(sample_id),
                           complaint_id=str(complaint_id))
        return item

    async def page(self, *, tenant: str, drawn_by: str | None, limit: int, offset: int
                   ) -> list[tuple[QaSample, int]]:
        """The tenant's samples, newest first, each with how many of its cases have been reviewed."""
        reviewed = (select(func.count()).where(QaSampleItem.sample_id == QaSample.id,
                                               QaSampleItem.evaluation_id.is_not(None))
                    .correlate(QaSample).scalar_subquery())
        statement = select(QaSample, reviewed).where(QaSample.tenant == tenant)
        if drawn_by is not None:
            statement = statement.where(QaSample.drawn_by == drawn_by)
        rows = await self.session.execute(statement.order_by(QaSample.drawn_at.desc(), QaSample.id)
                                          .limit(limit).offset(offset))
        return [(sample, count) for sample, count in rows.all()]
