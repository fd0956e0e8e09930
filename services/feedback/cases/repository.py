"""Queries of the cases feedback knows."""

from datetime import datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.feedback.analytics.models import ComplaintFact
from services.feedback.cases.models import FeedbackCase


class CaseRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, complaint_id: UUID) -> FeedbackCase | None:
        return await self.session.get(FeedbackCase, complaint_id)

    async def get_or_add(self, complaint_id: UUID, *, tenant: str, now: datetime) -> FeedbackCase:
        """The case, created empty (in the event's tenant) when this is the first event about it (events may come
        in any order)."""
        case = await self.get(complaint_id)
        if case is None:
            case = FeedbackCase(complaint_id=complaint_id, tenant=tenant, resolutions=0, updated_at=now)
            self.session.add(case)
        return case

    async def tenant_of(self, complaint_id: UUID) -> str | None:
        """The tenant of a complaint this service has heard of (as a case or a KPI fact); None if never."""
        for table in (FeedbackCase, ComplaintFact):
            found = await self.session.scalar(select(table.tenant).where(table.complaint_id == complaint_id))
            if found is not None:
                return found
        return None

