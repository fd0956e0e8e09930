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
from shared.auth.roles import STAFF

router = APIRouter(prefix="/v1/follow-ups", tags=["follow-up"], dependencies=[Depends(requires(*STAFF))])
NO_TASK: dict[int | str, dict[str, Any]] = {404: {"description": "No such follow-up task"}}
TASK_WORK: dict[int | str, dict[str, Any]] = {**NO_TASK, 409: {"description": "The task's status does not allow this"}}


@router.get("")
async def list_tasks(uow: UowDep, status: Literal["open", "assigned", "done"] | None = None,
                     assignee: str | None = None, complaint_id: UUID | None = None,
                     limit: Annotated[int, Query(ge=1, le=500)] = 50,
                     offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0) -> TaskPage:
    where = TaskFilter(status=status, assignee=assignee, complaint_id=complaint_id)
    tasks = await service.list_tasks(uow, where=where, limit=limit, offset=offset)
    return TaskPage(items=[TaskOut.model_validate(t) for t in tasks], limit=limit, offset=offset)


@router.get("/{task_id}", responses=NO_TASK)
async def get_task(task_id: UUID, uow: UowDep) -> TaskOut:
    return TaskOut.model_validate(await service.get_task(uow, task_id=task_id))


@router.post("/{task_id}/assignment", responses=TASK_WORK)
async def assign_task(task_id: UUID, body: AssignmentIn, uow: UowDep, actor: ActorDep) -> TaskOut:
    return TaskOut.model_validate(await service.assign_task(uow, task_id=task_id, assignee=body.assignee,
                                                            actor=actor))


@router.post("/{task_id}/outcome", responses=TASK_WORK)
async def record_outcome(task_id: UUID, body: OutcomeIn, uow: UowDep, actor: ActorDep) -> TaskOut:
    task = await service.record_outcome(uow, task_id=task_id, reached=body.reached, accepted=body.accepted,
                                        notes=body.notes, actor=actor)
    return TaskOut.model_validate(task)
