"""Queries of the notifications table."""

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.models import Complaint, Notification
from services.intake.notifications.domain import PENDING
from shared.errors import InvalidInput, NotFound


@dataclass(frozen=True)
class NotificationFilter:
    state: str | None = None
    kind: str | None = None
    channel: str | None = None
    complaint_id: UUID | None = None
    tenant: str | None = None  # only the notifications of this tenant's complaints


def encode_cursor(notification: Notification) -> str:
    raw = json.dumps([notification.created_at.isoformat(), str(notification.id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, UUID]:
    try:
        created_at, notification_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return datetime.fromisoformat(created_at), UUID(notification_id)
    except (ValueError, TypeError) as exc:
        raise InvalidInput("the cursor is not one this API gave out; start again without it") from exc


class NotificationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, notification: Notification) -> None:
        self.session.add(notification)

    async def get(self, notification_id: UUID, *, tenant: str | None = None) -> Notification:
        """The notification; with a tenant, only one about that tenant's complaint (another's is as unknown as a
        missing one)."""
        notification = await self.session.get(Notification, notification_id)
        if notification is not None and tenant is not None:
            owner = await self.session.scalar(select(Complaint.tenant).where(Complaint.id == notification.complaint_id))
            notification = notification if owner == tenant else None
        if notification is None:
            raise NotFound(f"no notification {notification_id}", notification_id=str(notification_id))
        return notification

    async def page(self, where: NotificationFilter, *, limit: int, cursor: str | None
                   ) -> tuple[list[Notification], str | None]:
        query = select(Notification)
        if where.tenant is not None:
            query = (query.join(Complaint, Complaint.id == Notification.complaint_id)
                     .where(Complaint.tenant == where.tenant))
        for column, value in ((Notification.state, where.state), (Notification.kind, where.kind),
                              (Notification.channel, where.channel), (Notification.complaint_id, where.complaint_id)):
            if value is not None:
                query = query.where(column == value)
        if cursor:
            created_at, notification_id = decode_cursor(cursor)
            query = query.where(or_(Notification.created_at < created_at,
                                    and_(Notification.created_at == created_at, Notification.id < notification_id)))
        query = query.order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit + 1)
        found = list((await self.session.scalars(query)).all())
        more = len(found) > limit
        found = found[:limit]
        return found, encode_cursor(found[-1]) if more else None

    async def claim_due(self, *, now: datetime, limit: int) -> list[Notification]:
        """Due pending rows, locked so that another replica's job skips them (SQLite's writer lock serialises)."""
        query = (select(Notification)
                 .where(Notification.state == PENDING, Notification.next_attempt_at <= now)
                 .order_by(Notification.next_attempt_at).limit(limit)
                 .with_for_update(skip_locked=True))
        return list((await self.session.scalars(query)).all())

    async def next_due(self) -> datetime | None:
        query = select(func.min(Notification.next_attempt_at)).where(Notification.state == PENDING)
        return await self.session.scalar(query)
