"""Queries of surveys; due surveys are claimed so that two replicas never work on the same one."""

from datetime import datetime
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from services.feedback.surveys.models import Survey


class SurveyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, survey: Survey) -> None:
        self.session.add(survey)

    async def get(self, survey_id: UUID, *, lock: bool = False) -> Survey | None:
        statement = select(Survey).where(Survey.id == survey_id)
        if lock:
            statement = statement.with_for_update()
        return await self.session.scalar(statement)

    async def latest(self, complaint_id: UUID) -> Survey | None:
        return await self.session.scalar(select(Survey).where(Survey.complaint_id == complaint_id)
                                         .order_by(Survey.round.desc()).limit(1))

    async def rounds(self, complaint_id: UUID) -> int:
        count = await self.session.scalar(select(func.count()).where(Survey.complaint_id == complaint_id))
        return int(count or 0)

    async def claim_due(self, now: datetime, *, limit: int) -> list[Survey]:
        """Due surveys no other transaction holds (SKIP LOCKED on PostgreSQL; SQLite serialises writers)."""
        rows = await self.session.scalars(
            select(Survey).where(Survey.next_due_at <= now).order_by(Survey.next_due_at).limit(limit)
            .with_for_update(skip_locked=True))
        return list(rows)

    async def next_due_at(self) -> datetime | None:
        return await self.session.scalar(select(func.min(Survey.next_due_at)))


async def earliest_due(connection: AsyncConnection) -> datetime | None:
    """When the next survey is due, read without taking a write lock."""
    return await connection.scalar(select(func.min(Survey.next_due_at)))
