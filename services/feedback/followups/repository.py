"""Queries of follow-up tasks."""

from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.feedback.followups.models import FollowUpTask
from shared.errors import NotFound


@dataclass(frozen=True)
class TaskFilter:
    tenant: str
    status: str | None = None
    assignee: str | None = None
    complaint_id: UUID | None = None


class TaskRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, task: FollowUpTask) -> None:
        self.session.add(task)

    async def get(self, task_id: UUID, *, tenant: str, lock: bool = False) -> FollowUpTask:
        """The task; another tenant's is as unknown as a missing one."""
        statement = select(FollowUpTask).where(FollowUpTask.id == task_id, FollowUpTask.tenant == tenant)
        task = await self.session.scalar(statement.with_for_update() if lock else statement)
        if task is None:
            raise NotFound(f"no follow-up task {task_id}", task_id=str(task_id))
        return task

    async def find(self, where: TaskFilter, *, limit: int, offset: int) -> list[FollowUpTask]:
        statement = select(FollowUpTask).where(FollowUpTask.tenant == where.tenant)
        if where.status is not None:
            statement = statement.where(FollowUpTask.status == where.status)
        if where.assignee is not None:
            statement = statement.where(FollowUpTask.assignee == where.assignee)
        if where.complaint_id is not None:
            statement = statement.where(FollowUpTask.complaint_id == where.complaint_id)
        rows = await self.session.scalars(statement.order_by(FollowUpTask.created_at, FollowUpTask.id)
                                          .limit(limit).offset(offset))
        return list(rows)
