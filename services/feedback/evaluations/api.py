"""Routes of evaluations: record a follow-up call, interview, mystery-customer visit or QA review; list a
complaint's evaluations. QA samples and the reviews of sampled cases are in services.feedback.qa."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, status

from services.feedback.deps import UowDep
from services.feedback.evaluations import service
from services.feedback.evaluations.domain import Method
from services.feedback.evaluations.schemas import EvaluationIn, EvaluationOut
from shared.auth.deps import requires
from shared.auth.principal import Principal
from shared.auth.roles import Role

# The routes take the Principal of the router's dependency (resolved once per request) for its tenant.
SUPERVISORS = Depends(requires(Role.SUPERVISOR))
Caller = Annotated[Principal, SUPERVISORS]
router = APIRouter(prefix="/v1", tags=["evaluations"], dependencies=[SUPERVISORS])


@router.post("/evaluations", status_code=status.HTTP_201_CREATED,
             responses={404: {"description": "No such complaint"}})
async def record_evaluation(body: EvaluationIn, uow: UowDep, caller: Caller) -> EvaluationOut:
    evaluation = await service.record_evaluation(uow, complaint_id=body.complaint_id, tenant=caller.tenant,
                                                 method=Method(body.method), scores=body.scores(),
                                                 evaluator=body.evaluator)
    return EvaluationOut.model_validate(evaluation)


@router.get("/complaints/{complaint_id}/evaluations")
async def list_evaluations(complaint_id: UUID, uow: UowDep, caller: Caller) -> list[EvaluationOut]:
    found = await service.list_evaluations(uow, complaint_id=complaint_id, tenant=caller.tenant)
    return [EvaluationOut.model_validate(e) for e in found]
