"""Routes of follow-up (回访) tasks: list and filter them, assign one, record its outcome."""

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query

from services.feedback.deps import UowDep
from services.feedback.followups import service
from services.feedback.followups.repository import TaskFilter
from services.feedback.followups.schemas import AssignmentIn, OutcomeIn, TaskOut, TaskPage
from shared.audit.deps import ActorDep
from shared.auth.deps import requires
from shared.auth.principal import Principal
from shared.auth.roles import STAFF

# The routes take the Principal of the router's dependency (resolved once per request) for its tenant.
STAFF_ONLY = Depends(requires(*STAFF))
Caller = Annotated[Principal, STAFF_ONLY]
router = APIRouter(prefix="/v1/follow-ups", tags=["follow-up"], dependencies=[STAFF_ONLY])
NO_TASK: dict[int | str, dict[str, Any]] = {404: {"description": "No such follow-up task"}}
TASK_WORK: dict[int | str, dict[str, Any]] = {**NO_TASK, 409: {"description": "The task's status does not allow this"}}


@router.get("")
async def list_tasks(uow: UowDep, caller: Caller, status: Literal["open", "assigned", "done"] | None = None,
                     assignee: str | None = None, complaint_id: UUID | None = None,
                     limit: Annotated[int, Query(ge=1, le=500)] = 50,
                     offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0) -> TaskPage:
    where = TaskFilter(tenant=caller.tenant, status=status, assignee=assignee, complaint_id=complaint_id)
    tasks = await service.list_tasks(uow, where=where, limit=limit, offset=offset)
    return TaskPage(items=[TaskOut.model_validate(t) for t in tasks], limit=limit, offset=offset)


@router.get("/{task_id}", responses=NO_TASK)
async def get_task(task_id: UUID, uow: UowDep, caller: Caller) -> TaskOut:
    return TaskOut.model_validate(await service.get_task(uow, task_id=task_id, tenant=caller.tenant))


@router.post("/{task_id}/assignment", responses=TASK_WORK)
async def assign_task(task_id: UUID, body: AssignmentIn, uow: UowDep, actor: ActorDep, caller: Caller) -> TaskOut:
    return TaskOut.model_validate(await service.assign_task(uow, task_id=task_id, tenant=caller.tenant,
                                                            assignee=body.assignee, actor=actor))


@router.post("/{task_id}/outcome", responses=TASK_WORK)
async def record_outcome(task_id: UUID, body: OutcomeIn, uow: UowDep, actor: ActorDep, caller: Caller) -> TaskOut:
    task = await service.record_outcome(uow, task_id=task_id, tenant=caller.tenant, reached=body.reached,
                                        accepted=body.accepted, notes=body.notes, actor=actor)
    return TaskOut.model_validate(task)
