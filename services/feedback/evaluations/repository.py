"""Queries of evaluations."""

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.feedback.evaluations.models import Evaluation


class EvaluationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, evaluation: Evaluation) -> None:
        self.session.add(evaluation)

    async def for_survey(self, survey_id: UUID) -> Evaluation | None:
        return await self.session.scalar(select(Evaluation).where(Evaluation.survey_id == survey_id))

    async def of_complaint(self, complaint_id: UUID, *, tenant: str) -> list[Evaluation]:
        rows = await self.session.scalars(select(Evaluation).where(Evaluation.complaint_id == complaint_id,
                                                                   Evaluation.tenant == tenant)
                                          .order_by(Evaluation.recorded_at))
        return list(rows)
