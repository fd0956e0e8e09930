"""Queries of the cases feedback knows."""

from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from services.feedback.cases.models import FeedbackCase


class CaseRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, complaint_id: UUID) -> FeedbackCase | None:
        return await self.session.get(FeedbackCase, complaint_id)

    async def get_or_add(self, complaint_id: UUID, *, now: datetime) -> FeedbackCase:
        """The case, created empty when this is the first event about it (events may come in any order)."""
        case = await self.get(complaint_id)
        if case is None:
            case = FeedbackCase(complaint_id=complaint_id, resolutions=0, updated_at=now)
            self.session.add(case)
        return case

