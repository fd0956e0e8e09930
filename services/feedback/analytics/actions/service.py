"""Use cases of improvement actions."""

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from uuid import UUID

from sqlalchemy import func, select

from services.feedback.analytics.actions import domain
from services.feedback.analytics.actions.domain import ActionStatus
from services.feedback.analytics.models import ComplaintFact, Hotspot, ImprovementAction
from shared.audit.uow import record_change
from shared.db import Database, UnitOfWork
from shared.errors import InvalidInput, NotFound


@dataclass(frozen=True)
class Impact:
    window_days: float
    rate_before: float
    rate_after: float


def _snapshot(action: ImprovementAction) -> dict[str, object]:
    return {"title": action.title, "owner": action.owner, "due_date": action.due_date, "category": action.category,
            "insight_id": action.insight_id, "complaint_ids": action.complaint_ids, "status": action.status}


async def create_action(uow: UnitOfWork, *, tenant: str, title: str, owner: str, due_date: date,
                        category: str | None, insight_id: UUID | None, complaint_ids: list[UUID],
                        actor: str | None = None) -> ImprovementAction:
    async with uow:
        if insight_id is not None:
            insight = await uow.session.get(Hotspot, insight_id)
            if insight is None or insight.tenant != tenant:
                raise InvalidInput(f"no insight {insight_id}")
            category = category or (insight.value if insight.dimension == "category" else None)
        if category is None:
            raise InvalidInput("name the category the action improves (or link a category insight)")
        action = ImprovementAction(id=uuid.uuid4(), tenant=tenant, title=title, owner=owner, due_date=due_date,
                                   category=category, insight_id=insight_id,
                                   complaint_ids=[str(c) for c in complaint_ids], status=ActionStatus.OPEN.value,
                                   created_at=datetime.now(UTC))
        uow.session.add(action)
        record_change(uow, actor=actor, action="create", entity="improvement_action", entity_id=action.id,
                      before=None, after=_snapshot(action), at=action.created_at)
        await uow.commit()
    return action


async def change_status(uow: UnitOfWork, action_id: UUID, *, tenant: str, status: ActionStatus,
                        actor: str | None = None) -> ImprovementAction:
    async with uow:
        action = await _get(uow, action_id, tenant=tenant)
        before = {"status": action.status}
        action.status = domain.advance(ActionStatus(action.status), status).value
        now = datetime.now(UTC)
        if status is ActionStatus.IN_PROGRESS:
            action.started_at = now
        if status is ActionStatus.DONE:
            action.done_at = now
        record_change(uow, actor=actor, action="change_status", entity="improvement_action", entity_id=action_id,
                      before=before, after={"status": action.status}, at=now)
        await uow.commit()
    return action


async def get_action(uow: UnitOfWork, action_id: UUID, *, tenant: str) -> ImprovementAction:
    async with uow:
        return await _get(uow, action_id, tenant=tenant)


async def list_actions(uow: UnitOfWork, *, tenant: str, status: ActionStatus | None) -> list[ImprovementAction]:
    query = select(ImprovementAction).where(ImprovementAction.tenant == tenant).order_by(ImprovementAction.created_at)
    if status is not None:
        query = query.where(ImprovementAction.status == status.value)
    async with uow:
        return list((await uow.session.execute(query)).scalars().all())


async def _get(uow: UnitOfWork, action_id: UUID, *, tenant: str) -> ImprovementAction:
    """The action; another tenant's is as unknown as a missing one."""
    action = await uow.session.scalar(select(ImprovementAction).where(ImprovementAction.id == action_id,
                                                                      ImprovementAction.tenant == tenant))
    if action is None:
        raise NotFound(f"no improvement action {action_id}")
    return action


async def impact(database: Database, action: ImprovementAction, *, window_days: int,
                 now: datetime | None = None) -> Impact | None:
    windows = domain.windows(created_at=action.created_at, done_at=action.done_at, window_days=window_days,
                             now=now or datetime.now(UTC))
    if windows is None:
        return None
    async with database.reading() as connection:
        before = await _count(connection, action.tenant, action.category, *windows.before)
        after = await _count(connection, action.tenant, action.category, *windows.after)
    return Impact(round(windows.days, 4), domain.per_day(before, windows.days), domain.per_day(after, windows.days))


async def _count(connection, tenant: str, category: str, start: datetime, end: datetime) -> int:
    query = select(func.count()).select_from(ComplaintFact).where(
        ComplaintFact.tenant == tenant, ComplaintFact.category == category, ComplaintFact.counted_at >= start,
        ComplaintFact.counted_at < end)
    return (await connection.execute(query)).scalar_one()
