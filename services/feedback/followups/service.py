"""Use cases of follow-up (回访): act on what an answer decided, and the supervisor's work on the tasks."""

import uuid
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from services.feedback.evaluations import domain as evaluations
from services.feedback.evaluations.domain import Action, Decision
from services.feedback.followups import domain
from services.feedback.followups.domain import TaskStatus
from services.feedback.followups.models import FollowUpTask
from services.feedback.followups.repository import TaskFilter
from services.feedback.uow import FeedbackUow
from shared.contracts.complaint import ComplaintCloseRequestedV1, ComplaintReopenRequestedV1


def act_on(uow: FeedbackUow, decision: Decision, *, complaint_id: UUID, tenant: str, evaluation_id: UUID | None,
           now: datetime) -> FollowUpTask | None:
    """Carry out a decision in the caller's transaction: close on acceptance, reopen, or open a task."""
    if decision.action == Action.ACCEPT:
        uow.emit(ComplaintCloseRequestedV1(complaint_id=complaint_id, occurred_at=now, reason="accepted",
                                           tenant=tenant))
        return None
    if decision.action == Action.REOPEN:
        reason = evaluations.reopen_reason(decision.reasons)
        uow.emit(ComplaintReopenRequestedV1(complaint_id=complaint_id, occurred_at=now, reason=reason,
                                            tenant=tenant))
        return None
    task = FollowUpTask(id=uuid.uuid4(), complaint_id=complaint_id, tenant=tenant, evaluation_id=evaluation_id,
                        reasons=list(decision.reasons), status=TaskStatus.OPEN, created_at=now, attempts=0)
    uow.tasks.add(task)
    return task


async def list_tasks(uow: FeedbackUow, *, where: TaskFilter, limit: int, offset: int) -> list[FollowUpTask]:
    async with uow:
        return await uow.tasks.find(where, limit=limit, offset=offset)


async def get_task(uow: FeedbackUow, *, task_id: UUID, tenant: str) -> FollowUpTask:
    async with uow:
        return await uow.tasks.get(task_id, tenant=tenant)


def _snapshot(task: FollowUpTask) -> dict[str, Any]:
    return {"status": task.status, "assignee": task.assignee, "attempts": task.attempts, "reached": task.reached,
            "accepted": task.accepted, "notes": task.notes}


async def assign_task(uow: FeedbackUow, *, task_id: UUID, tenant: str, assignee: str, actor: str | None = None
                      ) -> FollowUpTask:
    async with uow:
        task = await uow.tasks.get(task_id, tenant=tenant, lock=True)
        before = _snapshot(task)
        task.status = domain.assign(task.status)
        task.assignee, task.assigned_at = assignee, datetime.now(UTC)
        uow.record_change(actor=actor, action="assign", entity="follow_up", entity_id=task_id, before=before,
                          after=_snapshot(task), at=task.assigned_at)
        await uow.commit()
    return task


async def record_outcome(uow: FeedbackUow, *, task_id: UUID, tenant: str, reached: bool, accepted: bool | None,
                         notes: str | None, actor: str | None = None) -> FollowUpTask:
    """Reached and accepted: the complaint is asked to close; reached and rejected: to reopen; not reached:
    the attempt is counted and the task stays open."""
    async with uow:
        task = await uow.tasks.get(task_id, tenant=tenant, lock=True)
        before = _snapshot(task)
        status, action = domain.outcome(task.status, reached=reached, accepted=accepted)
        now = datetime.now(UTC)
        task.status, task.attempts, task.reached, task.notes = status, task.attempts + 1, reached, notes
        if action is not None:
            task.accepted, task.completed_at = accepted, now
            uow.emit(ComplaintCloseRequestedV1(complaint_id=task.complaint_id, occurred_at=now, reason="accepted",
                                               tenant=task.tenant)
                     if action == Action.ACCEPT else
                     ComplaintReopenRequestedV1(complaint_id=task.complaint_id, occurred_at=now,
                                                reason=domain.REJECTED_REASON, tenant=task.tenant))
        uow.record_change(actor=actor or task.assignee, action="record_outcome", entity="follow_up",
                          entity_id=task_id, before=before, after=_snapshot(task), at=now)
        await uow.commit()
    return task
