"""Use cases of quality assurance: draw and store a sample of handled cases, read samples back, and record the
QA review of a sampled case."""

import secrets
import uuid
from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy.exc import IntegrityError

from services.feedback.evaluations.domain import Method, Scores
from services.feedback.evaluations.models import Evaluation
from services.feedback.evaluations.service import add_evaluation
from services.feedback.qa import domain
from services.feedback.qa.models import QaSample, QaSampleItem
from services.feedback.uow import FeedbackUow
from shared.errors import Conflict, InvalidInput


async def draw_sample(uow: FeedbackUow, *, tenant: str, start: datetime, end: datetime, size: int, seed: int | None,
                      drawn_by: str) -> tuple[QaSample, list[QaSampleItem]]:
    """Draw up to `size` of the tenant's cases resolved in [start, end) that no earlier sample drew, and store the
    draw."""
    if end <= start:
        raise InvalidInput("the period must end after it starts")
    seed = secrets.randbelow(domain.MAX_SEED) if seed is None else seed
    now = datetime.now(UTC)
    async with uow:
        drawn = domain.draw(await uow.qa_samples.eligible(tenant=tenant, start=start, end=end), size=size, seed=seed)
        sample = QaSample(id=uuid.uuid4(), tenant=tenant, period_start=start, period_end=end, requested_size=size,
                          size=len(drawn), seed=seed, rule=domain.RULE, drawn_by=drawn_by, drawn_at=now)
        items = [QaSampleItem(sample_id=sample.id, complaint_id=case.complaint_id, position=position,
                              resolved_at=case.resolved_at, tracking_number=case.tracking_number,
                              team_id=case.team_id, agent_id=case.agent_id)
                 for position, case in enumerate(drawn, start=1)]
        uow.qa_samples.add(sample, items)
        uow.record_change(actor=drawn_by, action="draw", entity="qa_sample", entity_id=sample.id, before=None,
                          after={"period_start": start, "period_end": end, "requested_size": size,
                                 "size": len(drawn), "seed": seed, "rule": domain.RULE}, at=now)
        try:
            await uow.commit()
        except IntegrityError:
            raise Conflict("another sample drew some of these cases at the same time; draw again") from None
    return sample, items


async def get_sample(uow: FeedbackUow, sample_id: UUID, *, tenant: str) -> tuple[QaSample, list[QaSampleItem]]:
    async with uow:
        return await uow.qa_samples.get(sample_id, tenant=tenant), await uow.qa_samples.items(sample_id)


async def list_samples(uow: FeedbackUow, *, tenant: str, drawn_by: str | None, limit: int,
                       offset: int) -> list[tuple[QaSample, int]]:
    async with uow:
        return await uow.qa_samples.page(tenant=tenant, drawn_by=drawn_by, limit=limit, offset=offset)


async def review_case(uow: FeedbackUow, *, sample_id: UUID, tenant: str, complaint_id: UUID, scores: Scores,
                      evaluator: str) -> Evaluation:
    """The QA review of a sampled case: a qa_review scorecard (feedback.received), linked to the sample's item."""
    async with uow:
        sample = await uow.qa_samples.get(sample_id, tenant=tenant)
        item = await uow.qa_samples.item(sample_id, complaint_id)
        if item.evaluation_id is not None:
            raise Conflict(f"complaint {complaint_id} of QA sample {sample_id} is already reviewed",
                           evaluation_id=str(item.evaluation_id))
        now = datetime.now(UTC)
        evaluation = add_evaluation(uow, complaint_id=complaint_id, tenant=sample.tenant, method=Method.QA_REVIEW,
                                    scores=scores, now=now, evaluator=evaluator)
        item.evaluation_id, item.reviewed_at = evaluation.id, now
        uow.record_change(actor=evaluator, action="review", entity="qa_sample", entity_id=sample_id, before=None,
                          after={"complaint_id": complaint_id, "evaluation_id": evaluation.id}, at=now)
        await uow.commit()
    return evaluation
