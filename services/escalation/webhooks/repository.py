"""Queries of the webhook tables."""

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.escalation.webhooks.domain import PENDING, Owner
from services.escalation.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from shared.contracts.base import DEFAULT_TENANT
from shared.errors import InvalidInput, NotFound

Row = TypeVar("Row", WebhookSubscription, WebhookDelivery)


@dataclass(frozen=True)
class DeliveryFilter:
    subscription_id: UUID
    state: str | None = None
    event_type: str | None = None
    complaint_id: UUID | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    tenant: str | None = None  # the caller's: a delivery of another tenant's event is left out


def encode_cursor(row: WebhookSubscription | WebhookDelivery) -> str:
    raw = json.dumps([row.created_at.isoformat(), str(row.id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, UUID]:
    try:
        created_at, row_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return datetime.fromisoformat(created_at), UUID(row_id)
    except (ValueError, TypeError) as exc:
        raise InvalidInput("the cursor is not one this API gave out; start again without it") from exc


async def _page(session: AsyncSession, query: Select[tuple[Row]], model: Any, *, limit: int,
                cursor: str | None) -> tuple[list[Row], str | None]:
    """Newest first, `limit` at a time, continuing after the cursor's row."""
    if cursor:
        created_at, row_id = decode_cursor(cursor)
        query = query.where(or_(model.created_at < created_at,
                                and_(model.created_at == created_at, model.id < row_id)))
    query = query.order_by(model.created_at.desc(), model.id.desc()).limit(limit + 1)
    found = list((await session.scalars(query)).all())
    more = len(found) > limit
    found = found[:limit]
    return found, encode_cursor(found[-1]) if more else None


# The tenant whose events a subscription receives and whose admins reach it. One without an owner (made before
# owners, or by configuration) dates from when a deployment served one organisation: it stays the default
# tenant's, so it never starts receiving the events of a tenant added later.
SUBSCRIPTION_TENANT = func.coalesce(WebhookSubscription.owner_tenant, DEFAULT_TENANT)


def _owned(query: Select[tuple[WebhookSubscription]], owner: Owner | None) -> Select[tuple[WebhookSubscription]]:
    """Only the owner's subscriptions; with no name, all of the owner's tenant. None (internal jobs): all."""
    if owner is None:
        return query
    query = query.where(SUBSCRIPTION_TENANT == owner.tenant)
    return query if owner.name is None else query.where(WebhookSubscription.owner == owner.name)


class WebhookRepository:
    def __init__(self, session: AsyncSession, *, insert: Callable[[Any], Any]) -> None:
        self.session = session
        self.insert = insert  # an INSERT that knows ON CONFLICT on this backend

    def add(self, row: WebhookSubscription | WebhookAttempt) -> None:
        self.session.add(row)

    async def subscription(self, subscription_id: UUID, *, lock: bool = False, owner: Owner | None = None
                           ) -> WebhookSubscription:
        """The subscription; NotFound too when `owner` is given and it is someone else's."""
        query = _owned(select(WebhookSubscription).where(WebhookSubscription.id == subscription_id), owner)
        found = await self.session.scalar(query.with_for_update() if lock else query)
        if found is None:
            raise NotFound(f"no webhook subscription {subscription_id}", subscription_id=str(subscription_id))
        return found

    async def active_subscriptions(self, tenant: str) -> list[WebhookSubscription]:
        """The active subscriptions that receive events of `tenant`."""
        query = select(WebhookSubscription).where(WebhookSubscription.active.is_(True), SUBSCRIPTION_TENANT == tenant)
        return list((await self.session.scalars(query)).all())

    async def subscriptions(self, *, active: bool | None, limit: int, cursor: str | None, owner: Owner | None = None
                            ) -> tuple[list[WebhookSubscription], str | None]:
        query = _owned(select(WebhookSubscription), owner)
        if active is not None:
            query = query.where(WebhookSubscription.active.is_(active))
        return await _page(self.session, query, WebhookSubscription, limit=limit, cursor=cursor)

    async def add_deliveries(self, rows: list[dict[str, Any]]) -> None:
        """Insert deliveries, skipping those already recorded for the same subscription and event."""
        statement = self.insert(WebhookDelivery.__table__).on_conflict_do_nothing(
            index_elements=["subscription_id", "event_id"])
        await self.session.execute(statement, rows)

    async def delivery(self, subscription_id: UUID, delivery_id: UUID, *, tenant: str | None = None
                       ) -> WebhookDelivery:
        """The subscription's delivery; with `tenant`, NotFound too for a delivery of another tenant's event."""
        found = await self.session.get(WebhookDelivery, delivery_id)
        if found is None or found.subscription_id != subscription_id or tenant not in (None, found.tenant):
            raise NotFound(f"no delivery {delivery_id} of webhook subscription {subscription_id}",
                           delivery_id=str(delivery_id))
        return found

    async def deliveries(self, where: DeliveryFilter, *, limit: int, cursor: str | None
                         ) -> tuple[list[WebhookDelivery], str | None]:
        query = select(WebhookDelivery).where(WebhookDelivery.subscription_id == where.subscription_id)
        for column, value in ((WebhookDelivery.state, where.state), (WebhookDelivery.event_type, where.event_type),
                              (WebhookDelivery.complaint_id, where.complaint_id),
                              (WebhookDelivery.tenant, where.tenant)):
            if value is not None:
                query = query.where(column == value)
        if where.created_from is not None:
            query = query.where(WebhookDelivery.created_at >= where.created_from)
        if where.created_to is not None:
            query = query.where(WebhookDelivery.created_at < where.created_to)
        return await _page(self.session, query, WebhookDelivery, limit=limit, cursor=cursor)

    async def attempts(self, delivery_id: UUID) -> list[WebhookAttempt]:
        query = select(WebhookAttempt).where(WebhookAttempt.delivery_id == delivery_id).order_by(WebhookAttempt.at)
        return list((await self.session.scalars(query)).all())

    async def claim_due(self, *, now: datetime, limit: int) -> list[tuple[WebhookDelivery, WebhookSubscription]]:
        """Due pending deliveries of active subscriptions, locked so that another replica's job skips them
        (SQLite's writer lock serialises the jobs anyway)."""
        query = (select(WebhookDelivery, WebhookSubscription)
                 .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
                 .where(WebhookDelivery.state == PENDING, WebhookDelivery.next_attempt_at <= now,
                        WebhookSubscription.active.is_(True))
                 .order_by(WebhookDelivery.next_attempt_at).limit(limit)
                 .with_for_update(skip_locked=True, of=WebhookDelivery))
        return [(delivery, subscription) for delivery, subscription in (await self.session.execute(query)).all()]

    async def next_due(self) -> datetime | None:
        query = (select(func.min(WebhookDelivery.next_attempt_at))
                 .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
                 .where(WebhookDelivery.state == PENDING, WebhookSubscription.active.is_(True)))
        return await self.session.scalar(query)
