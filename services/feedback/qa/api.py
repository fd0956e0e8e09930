"""Routes of quality assurance: draw a stored sample of handled cases, list and read samples, record the QA
review of a sampled case."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, status

from services.feedback.deps import UowDep
from services.feedback.evaluations.schemas import EvaluationOut
from services.feedback.qa import service
from services.feedback.qa.models import QaSample, QaSampleItem
from services.feedback.qa.schemas import (
    QaReviewIn,
    QaSampleIn,
    QaSampleListedOut,
    QaSampleOut,
    QaSamplePage,
    QaSampleSummaryOut,
    SampledCaseOut,
)
from shared.auth.deps import requires
from shared.auth.principal import Principal
from shared.auth.roles import Role

# The routes take the Principal of the router's dependency (resolved once per request) for its tenant.
SUPERVISORS = Depends(requires(Role.SUPERVISOR))
Caller = Annotated[Principal, SUPERVISORS]
router = APIRouter(prefix="/v1/qa-samples", tags=["quality assurance"], dependencies=[SUPERVISORS])
NO_SAMPLE: dict[int | str, dict[str, Any]] = {404: {"description": "No such sample, or the case is not in it"}}


def _sample_out(sample: QaSample, items: list[QaSampleItem]) -> QaSampleOut:
    summary = QaSampleSummaryOut.model_validate(sample)
    return QaSampleOut(**summary.model_dump(), cases=[SampledCaseOut.model_validate(i) for i in items])


@router.post("", status_code=status.HTTP_201_CREATED,
             responses={409: {"description": "A concurrent draw took some of the same cases"}})
async def draw_sample(body: QaSampleIn, uow: UowDep, caller: Caller) -> QaSampleOut:
    sample, items = await service.draw_sample(uow, tenant=caller.tenant, start=body.start, end=body.end,
                                              size=body.size, seed=body.seed, drawn_by=body.drawn_by)
    return _sample_out(sample, items)


@router.get("")
async def list_samples(uow: UowDep, caller: Caller,
                       drawn_by: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
                       limit: Annotated[int, Query(ge=1, le=500)] = 50,
                       offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0) -> QaSamplePage:
    rows = await service.list_samples(uow, tenant=caller.tenant, drawn_by=drawn_by, limit=limit, offset=offset)
    items = [QaSampleListedOut(**QaSampleSummaryOut.model_validate(s).model_dump(), reviewed=n) for s, n in rows]
    return QaSamplePage(items=items, limit=limit, offset=offset)


@router.get("/{sample_id}", responses=NO_SAMPLE)
async def get_sample(sample_id: UUID, uow: UowDep, caller: Caller) -> QaSampleOut:
    return _sample_out(*await service.get_sample(uow, sample_id, tenant=caller.tenant))


@router.post("/{sample_id}/cases/{complaint_id}/review", status_code=status.HTTP_201_CREATED,
             responses={**NO_SAMPLE, 409: {"description": "The case is already reviewed"}})
async def review_case(sample_id: UUID, complaint_id: UUID, body: QaReviewIn, uow: UowDep,
                      caller: Caller) -> EvaluationOut:
    evaluation = await service.review_case(uow, sample_id=sample_id, tenant=caller.tenant, complaint_id=complaint_id,
                                           scores=body.scores(), evaluator=body.evaluator)
    return EvaluationOut.model_validate(evaluation)
