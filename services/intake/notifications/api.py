"""Routes of the notifications outbox: what was sent to a customer, what failed, and sending again."""

from uuid import UUID

from fastapi import APIRouter, Depends, Query

from services.intake.deps import UowDep
from services.intake.models import Notification
from services.intake.notifications import service
from services.intake.notifications.repository import NotificationFilter
from services.intake.notifications.schemas import (
    NotificationChannel,
    NotificationKind,
    NotificationOut,
    NotificationPage,
    NotificationState,
)
from shared.audit.deps import ActorDep
from shared.auth.deps import CallerDep, requires
from shared.auth.roles import Role
from shared.http import problem_doc

router = APIRouter(prefix="/v1", tags=["notifications"], dependencies=[Depends(requires(Role.SUPERVISOR))])


def _page(items: list[Notification], next_cursor: str | None) -> NotificationPage:
    return NotificationPage(items=[NotificationOut.model_validate(n, from_attributes=True) for n in items],
                            next_cursor=next_cursor)


@router.get("/complaints/{complaint_id}/notifications", summary="Notifications of one complaint, newest first",
            responses={404: problem_doc("No such complaint")})
async def of_complaint(complaint_id: UUID, uow: UowDep, principal: CallerDep,
                       limit: int = Query(50, ge=1, le=200),
                       cursor: str | None = Query(None, max_length=500)) -> NotificationPage:
    return _page(*await service.of_complaint(uow, complaint_id, tenant=principal.tenant, limit=limit,
                                             cursor=cursor))


@router.get("/notifications", summary="Notifications, newest first; ?state=failed shows what did not arrive")
async def list_notifications(uow: UowDep, principal: CallerDep, state: NotificationState | None = None,
                             kind: NotificationKind | None = None, channel: NotificationChannel | None = None,
                             complaint_id: UUID | None = None, limit: int = Query(50, ge=1, le=200),
                             cursor: str | None = Query(None, max_length=500)) -> NotificationPage:
    where = NotificationFilter(state=state, kind=kind, channel=channel, complaint_id=complaint_id,
                               tenant=principal.tenant)
    return _page(*await service.page(uow, where, limit=limit, cursor=cursor))


@router.post("/notifications/{notification_id}/retry", summary="Send a failed or skipped notification again",
             responses={404: problem_doc("No such notification"),
                        409: problem_doc("The notification is pending or was sent")})
async def retry(notification_id: UUID, uow: UowDep, actor: ActorDep, principal: CallerDep) -> NotificationOut:
    return NotificationOut.model_validate(await service.retry(uow, notification_id, tenant=principal.tenant,
                                                              actor=actor), from_attributes=True)
