"""Use cases of evaluations: record a scorecard of any method (survey answers come through surveys.service;
the QA review of a sampled case through qa.service)."""

import uuid
from datetime import UTC, datetime
from uuid import UUID

from services.feedback.evaluations import domain
from services.feedback.evaluations.domain import Method, Scores
from services.feedback.evaluations.models import Evaluation
from services.feedback.evaluations.sentiment import sentiment
from services.feedback.uow import FeedbackUow
from shared.contracts.feedback import FeedbackReceivedV1
from shared.errors import InvalidInput, NotFound
from shared.pii import mask_pii


def add_evaluation(uow: FeedbackUow, *, complaint_id: UUID, tenant: str, method: Method, scores: Scores,
                   now: datetime, survey_id: UUID | None = None, evaluator: str | None = None) -> Evaluation:
    """Store a validated scorecard (comment masked) and emit feedback.received, in the caller's transaction."""
    domain.validate(scores)
    comment = mask_pii(scores.comment).strip() if scores.comment else None
    evaluation = Evaluation(
        id=uuid.uuid4(), complaint_id=complaint_id, tenant=tenant, method=method, survey_id=survey_id, csat=scores.csat,
        solved=scores.solved, nps=scores.nps, ces=scores.ces, dimensions=dict(scores.dimensions),
        comment=comment or None, sentiment=sentiment(comment), evaluator=evaluator, recorded_at=now)
    uow.evaluations.add(evaluation)
    uow.emit(FeedbackReceivedV1(
        complaint_id=complaint_id, occurred_at=now, csat=scores.csat, solved=scores.solved, nps=scores.nps,
        ces=scores.ces, method=method, dimensions=dict(scores.dimensions), comment=evaluation.comment, tenant=tenant))
    return evaluation


async def record_evaluation(uow: FeedbackUow, *, complaint_id: UUID, tenant: str, method: Method, scores: Scores,
                            evaluator: str | None) -> Evaluation:
    """A follow-up call's, interview's, mystery customer's or QA reviewer's scorecard, filed under the caller's
    tenant. A complaint feedback has not heard of yet may be scored (its events may come later); one it knows
    under another tenant answers 404."""
    if method == Method.SURVEY:
        raise InvalidInput("survey answers come through the survey link, not this endpoint")
    async with uow:
        if await uow.cases.tenant_of(complaint_id) not in (None, tenant):
            raise NotFound(f"no complaint {complaint_id}", complaint_id=str(complaint_id))
        evaluation = add_evaluation(uow, complaint_id=complaint_id, tenant=tenant, method=method, scores=scores,
                                    evaluator=evaluator, now=datetime.now(UTC))
        await uow.commit()
    return evaluation


async def list_evaluations(uow: FeedbackUow, *, complaint_id: UUID, tenant: str) -> list[Evaluation]:
    async with uow:
        return await uow.evaluations.of_complaint(complaint_id, tenant=tenant)

