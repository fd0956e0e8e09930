"""Tables of the webhooks: subscriptions, one delivery per subscription and event, and every try of it."""

from datetime import datetime
from uuid import UUID

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from services.escalation.models import Base
from shared.contracts.base import DEFAULT_TENANT
from shared.db_types import UtcDateTime


class WebhookSubscription(Base):
    __tablename__ = "webhook_subscription"

    id: Mapped[UUID] = mapped_column(Uuid(), primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(500))
    filters: Mapped[list[str]] = mapped_column(JSON())
    active: Mapped[bool] = mapped_column(Boolean())
    secret: Mapped[str] = mapped_column(String(100))
    previous_secret: Mapped[str | None] = mapped_column(String(100))
    previous_secret_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    failed_deliveries: Mapped[int] = mapped_column(Integer())
    failing_since: Mapped[datetime | None] = mapped_column(UtcDateTime())
    disabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    disabled_reason: Mapped[str | None] = mapped_column(Text())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # Who made it: a partner sees only its own (webhooks/domain.py Owner); none on rows from before owners.
    owner_tenant: Mapped[str | None] = mapped_column(String(64))
    owner: Mapped[str | None] = mapped_column(String(200))


class WebhookDelivery(Base):
    __tablename__ = "webhook_delivery"
    __table_args__ = (
        UniqueConstraint("subscription_id", "event_id", name="uq_webhook_delivery_event"),
        Index("ix_webhook_delivery_due", "state", "next_attempt_at"),
        Index("ix_webhook_delivery_subscription", "subscription_id", "created_at"),
    )

    id: Mapped[UUID] = mapped_column(Uuid(), primary_key=True)
    subscription_id: Mapped[UUID] = mapped_column(ForeignKey("webhook_subscription.id"))
    event_id: Mapped[str] = mapped_column(String(100))
    event_type: Mapped[str] = mapped_column(String(200))
    complaint_id: Mapped[UUID] = mapped_column(Uuid())
    # The event's tenant: the log shows a subscription only deliveries of its own tenant.
    tenant: Mapped[str] = mapped_column(String(64), default=DEFAULT_TENANT, server_default=DEFAULT_TENANT)
    payload: Mapped[str] = mapped_column(Text())
    state: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer())
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_status_code: Mapped[int | None] = mapped_column(Integer())
    last_error: Mapped[str | None] = mapped_column(Text())


class WebhookAttempt(Base):
    """One try of a delivery; read only through its delivery, whose tenant it shares."""

    __tablename__ = "webhook_attempt"
    __table_args__ = (Index("ix_webhook_attempt_delivery", "delivery_id", "at"),)

    id: Mapped[UUID] = mapped_column(Uuid(), primary_key=True)
    delivery_id: Mapped[UUID] = mapped_column(ForeignKey("webhook_delivery.id"))
    number: Mapped[int] = mapped_column(Integer())
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    succeeded: Mapped[bool] = mapped_column(Boolean())
    status_code: Mapped[int | None] = mapped_column(Integer())
    duration_ms: Mapped[int] = mapped_column(Integer())
    error: Mapped[str | None] = mapped_column(Text())
    response_excerpt: Mapped[str | None] = mapped_column(Text())
