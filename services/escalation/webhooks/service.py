"""Webhook use cases: subscriptions, fan-out of consumed events, the delivery log, redelivery and the delivery
job's claim and outcome; the only place in webhooks that commits."""

import logging
import random
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from services.escalation.webhooks import domain
from services.escalation.webhooks.domain import Owner
from services.escalation.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from services.escalation.webhooks.repository import DeliveryFilter, WebhookRepository
from services.escalation.webhooks.settings import WebhookSettingsMixin
from shared.audit.uow import record_change
from shared.contracts import Event
from shared.db import UnitOfWork

log = logging.getLogger(__name__)


def repository(uow: UnitOfWork) -> WebhookRepository:
    return WebhookRepository(uow.session, insert=uow.database.insert)


async def fan_out_to_webhooks(event: Event, uow: UnitOfWork, *, ce_id: str) -> None:
    """Record one pending delivery per active subscription whose filters match, in the open transaction of
    the handler that consumed `event` (it commits them); the same event twice records nothing new. `ce_id` is
    the message's CloudEvents id: the partner gets it as the payload's id, to match the webhook with the
    event on the topic."""
    webhooks = repository(uow)
    subscriptions = await webhooks.active_subscriptions(event.tenant)  # a partner gets its own tenant's only
    matching = [s for s in subscriptions if domain.matches(s.filters, event.ce_type)]
    if not matching:
        return
    payload, now = domain.body(event, ce_id=ce_id), datetime.now(UTC)
    await webhooks.add_deliveries([
        {"id": uuid4(), "subscription_id": s.id, "event_id": ce_id, "event_type": event.ce_type,
         "complaint_id": event.complaint_id, "tenant": event.tenant, "payload": payload, "state": domain.PENDING,
         "attempts": 0, "next_attempt_at": now, "created_at": now, "delivered_at": None, "last_status_code": None,
         "last_error": None} for s in matching])


def _snapshot(subscription: WebhookSubscription) -> dict[str, Any]:
    """What the audit log keeps of a subscription: never its secrets."""
    return {"url": subscription.url, "description": subscription.description, "filters": subscription.filters,
            "active": subscription.active}


async def create_subscription(uow: UnitOfWork, *, url: str, description: str, filters: list[str],
                              active: bool, actor: str | None = None, owner: Owner | None = None
                              ) -> WebhookSubscription:
    now = datetime.now(UTC)
    subscription = WebhookSubscription(
        id=uuid4(), url=url, description=description, filters=filters, active=active,
        secret=domain.new_secret(), previous_secret=None, previous_secret_until=None, failed_deliveries=0,
        failing_since=None, disabled_at=None, disabled_reason=None, created_at=now, updated_at=now,
        owner_tenant=owner.tenant if owner else None, owner=owner.name if owner else None)
    async with uow:
        repository(uow).add(subscription)
        record_change(uow, actor=actor, action="create", entity="webhook", entity_id=subscription.id, before=None,
                      after=_snapshot(subscription), at=now)
        await uow.commit()
    return subscription


async def get_subscription(uow: UnitOfWork, subscription_id: UUID, *, owner: Owner | None = None
                           ) -> WebhookSubscription:
    async with uow:
        return await repository(uow).subscription(subscription_id, owner=owner)


async def list_subscriptions(uow: UnitOfWork, *, active: bool | None, limit: int, cursor: str | None,
                             owner: Owner | None = None) -> tuple[list[WebhookSubscription], str | None]:
    async with uow:
        return await repository(uow).subscriptions(active=active, limit=limit, cursor=cursor, owner=owner)


async def update_subscription(uow: UnitOfWork, subscription_id: UUID, changes: dict[str, Any], *,
                              actor: str | None = None, owner: Owner | None = None) -> WebhookSubscription:
    """Change fields; enabling a subscription clears its notice and its run of failures."""
    async with uow:
        subscription = await repository(uow).subscription(subscription_id, lock=True, owner=owner)
        before = _snapshot(subscription)
        if changes.get("active") and not subscription.active:
            subscription.disabled_at, subscription.disabled_reason = None, None
            subscription.failed_deliveries, subscription.failing_since = 0, None
        for name, value in changes.items():
            setattr(subscription, name, value)
        subscription.updated_at = datetime.now(UTC)
        record_change(uow, actor=actor, action="update", entity="webhook", entity_id=subscription_id, before=before,
                      after=_snapshot(subscription), at=subscription.updated_at)
        await uow.commit()
    return subscription


async def rotate_secret(uow: UnitOfWork, subscription_id: UUID, *, grace_s: float, actor: str | None = None,
                        owner: Owner | None = None) -> WebhookSubscription:
    """A new secret signs from now on; the old one signs beside it for `grace_s` seconds."""
    now = datetime.now(UTC)
    async with uow:
        subscription = await repository(uow).subscription(subscription_id, lock=True, owner=owner)
        subscription.previous_secret = subscription.secret if grace_s > 0 else None
        subscription.previous_secret_until = now + timedelta(seconds=grace_s) if grace_s > 0 else None
        subscription.secret, subscription.updated_at = domain.new_secret(), now
        record_change(uow, actor=actor, action="rotate_secret", entity="webhook", entity_id=subscription_id,
                      before=None, after={"previous_secret_until": subscription.previous_secret_until}, at=now)
        await uow.commit()
    return subscription


async def list_deliveries(uow: UnitOfWork, where: DeliveryFilter, *, limit: int, cursor: str | None,
                          owner: Owner | None = None) -> tuple[list[WebhookDelivery], str | None]:
    async with uow:
        await repository(uow).subscription(where.subscription_id, owner=owner)
        if owner is not None:
            where = replace(where, tenant=owner.tenant)
        return await repository(uow).deliveries(where, limit=limit, cursor=cursor)


async def get_delivery(uow: UnitOfWork, subscription_id: UUID, delivery_id: UUID, *, owner: Owner | None = None
                       ) -> tuple[WebhookDelivery, list[WebhookAttempt]]:
    async with uow:
        webhooks = repository(uow)
        await webhooks.subscription(subscription_id, owner=owner)
        delivery = await webhooks.delivery(subscription_id, delivery_id, tenant=owner.tenant if owner else None)
        return delivery, await webhooks.attempts(delivery_id)


async def redeliver(uow: UnitOfWork, subscription_id: UUID, delivery_id: UUID, *, actor: str | None = None,
                    owner: Owner | None = None) -> WebhookDelivery:
    """Queue a succeeded or failed delivery again, at once, with the same id and body and a fresh count."""
    async with uow:
        await repository(uow).subscription(subscription_id, owner=owner)
        delivery = await repository(uow).delivery(subscription_id, delivery_id,
                                                  tenant=owner.tenant if owner else None)
        domain.check_redeliverable(delivery.state, delivery_id=delivery_id)
        before = {"state": delivery.state, "attempts": delivery.attempts}
        delivery.state, delivery.attempts, delivery.next_attempt_at = domain.PENDING, 0, datetime.now(UTC)
        record_change(uow, actor=actor, action="redeliver", entity="webhook_delivery", entity_id=delivery_id,
                      before=before, after={"state": delivery.state, "attempts": 0}, at=delivery.next_attempt_at)
        await uow.commit()
    return delivery


@dataclass(frozen=True)
class Claimed:
    """A delivery taken for one try: what the job needs after the claiming transaction ended."""

    id: UUID
    subscription_id: UUID
    url: str
    secrets: list[str]
    payload: str
    attempts: int


async def claim_due(uow: UnitOfWork, *, limit: int, lease_s: float) -> list[Claimed]:
    """Take due deliveries for one try each. Until the lease ends no other job takes them, so no delivery is
    sent twice at once, and one whose replica died mid-send is tried again later rather than lost."""
    now = datetime.now(UTC)
    async with uow:
        claimed = []
        for delivery, sub in await repository(uow).claim_due(now=now, limit=limit):
            delivery.attempts += 1
            delivery.next_attempt_at = now + timedelta(seconds=lease_s)
            secrets = domain.signing_secrets(sub.secret, sub.previous_secret, sub.previous_secret_until, now=now)
            claimed.append(Claimed(delivery.id, sub.id, sub.url, secrets, delivery.payload, delivery.attempts))
        await uow.commit()
    return claimed


@dataclass(frozen=True)
class Outcome:
    """One try: an HTTP answer (status_code) or an error before there was one."""

    at: datetime
    duration_ms: int
    status_code: int | None = None
    error: str | None = None
    response_excerpt: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and domain.is_success(self.status_code)


async def record_outcome(uow: UnitOfWork, claimed: Claimed, outcome: Outcome,
                         *, settings: WebhookSettingsMixin) -> None:
    """Log the try, settle or reschedule the delivery, and keep the subscription's health (disabling it when
    it has failed too long)."""
    async with uow:
        webhooks = repository(uow)
        delivery = await webhooks.delivery(claimed.subscription_id, claimed.id)
        webhooks.add(_attempt(claimed, outcome))
        if delivery.state != domain.PENDING or delivery.attempts != claimed.attempts:
            await uow.commit()  # redelivered meanwhile: that round owns the delivery now
            return
        subscription = await webhooks.subscription(claimed.subscription_id, lock=True)
        _settle(delivery, outcome, settings=settings)
        _keep_health(subscription, delivery, outcome, settings=settings)
        await uow.commit()


def _attempt(claimed: Claimed, outcome: Outcome) -> WebhookAttempt:
    return WebhookAttempt(id=uuid4(), delivery_id=claimed.id, number=claimed.attempts, at=outcome.at,
                          succeeded=outcome.succeeded, status_code=outcome.status_code,
                          duration_ms=outcome.duration_ms, error=outcome.error,
                          response_excerpt=outcome.response_excerpt)


def _settle(delivery: WebhookDelivery, outcome: Outcome, *, settings: WebhookSettingsMixin) -> None:
    delivery.last_status_code, delivery.last_error = outcome.status_code, outcome.error
    if outcome.succeeded:
        delivery.state, delivery.delivered_at = domain.SUCCEEDED, outcome.at
        return
    pause = domain.retry_pause(delivery.attempts, schedule=settings.webhook_backoff_s,
                               jitter=settings.webhook_jitter, chance=random.random())
    if pause is None:
        delivery.state = domain.FAILED
    else:
        delivery.next_attempt_at = outcome.at + pause


def _keep_health(subscription: WebhookSubscription, delivery: WebhookDelivery, outcome: Outcome,
                 *, settings: WebhookSettingsMixin) -> None:
    if outcome.at < subscription.updated_at:
        return  # a try begun before the subscription was changed or enabled again says nothing of it now
    if outcome.succeeded:
        health = domain.after_success()
    else:
        before = domain.Health(subscription.failed_deliveries, subscription.failing_since)
        health = domain.after_failed_try(before, now=outcome.at, delivery_failed=delivery.state == domain.FAILED)
    subscription.failed_deliveries, subscription.failing_since = health.failed_deliveries, health.failing_since
    if outcome.succeeded or not subscription.active:
        return
    notice = domain.disable_notice(health, now=outcome.at, last_error=_describe(outcome),
                                   max_failed_deliveries=settings.webhook_disable_after_failures,
                                   max_failing_s=settings.webhook_disable_after_s)
    if notice is not None:
        subscription.active, subscription.disabled_at, subscription.disabled_reason = False, outcome.at, notice
        subscription.updated_at = outcome.at
        log.warning("webhook subscription %s disabled: %s", subscription.id, notice,
                    extra={"subscription_id": str(subscription.id), "url": subscription.url})


def _describe(outcome: Outcome) -> str | None:
    return outcome.error or (f"HTTP {outcome.status_code}" if outcome.status_code is not None else None)


async def next_due(uow: UnitOfWork) -> datetime | None:
    async with uow:
        return await repository(uow).next_due()
