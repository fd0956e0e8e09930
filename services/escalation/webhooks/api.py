"""The webhook API, for partners: subscriptions, secret rotation, the delivery log and redelivery. A partner
reaches only the subscriptions it made (its tenant and key name); an admin reaches all of its own tenant, and 404
hides the rest."""

from datetime import datetime
from typing import Annotated, Any, cast
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request

from services.escalation.webhooks import service
from services.escalation.webhooks.domain import STATES, confined_to, owner_of
from services.escalation.webhooks.repository import DeliveryFilter
from services.escalation.webhooks.schemas import (
    DeliveryDetailOut,
    DeliveryOut,
    DeliveryPage,
    SecretOut,
    SecretRotationIn,
    WebhookCreatedOut,
    WebhookIn,
    WebhookOut,
    WebhookPage,
    WebhookPatchIn,
)
from services.escalation.webhooks.settings import WebhookSettingsMixin
from shared.audit.deps import ActorDep
from shared.auth.deps import CallerDep, requires
from shared.auth.roles import Role
from shared.db import UnitOfWork
from shared.deps import new_uow, settings_of
from shared.http import require_json


def webhook_settings(request: Request) -> WebhookSettingsMixin:
    return cast(WebhookSettingsMixin, settings_of(request))


UowDep = Annotated[UnitOfWork, Depends(new_uow)]
SettingsDep = Annotated[WebhookSettingsMixin, Depends(webhook_settings)]
Limit = Annotated[int, Query(ge=1, le=200, description="Items per page.")]
Cursor = Annotated[str | None, Query(description="`next_cursor` of the previous page.")]
Responses = dict[int | str, dict[str, Any]]
NOT_JSON: Responses = {415: {"description": "The body is not declared JSON"}}
NO_SUBSCRIPTION: Responses = {404: {"description": "No such subscription"}}
NO_DELIVERY: Responses = {404: {"description": "No such subscription or delivery"}}
State = Annotated[str | None, Query(pattern=f"^({'|'.join(STATES)})$", description="pending, succeeded or failed")]

webhook_router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"], dependencies=[Depends(requires(Role.PARTNER))])


@webhook_router.post("", status_code=201, dependencies=[Depends(require_json)], responses=NOT_JSON,
                     summary="Subscribe a partner")
async def create(body: WebhookIn, uow: UowDep, actor: ActorDep, caller: CallerDep) -> WebhookCreatedOut:
    subscription = await service.create_subscription(uow, url=str(body.url), description=body.description,
                                                     filters=body.filters, active=body.active, actor=actor,
                                                     owner=owner_of(caller))
    return WebhookCreatedOut.model_validate(subscription)


@webhook_router.get("", summary="List subscriptions, newest first")
async def list_all(uow: UowDep, caller: CallerDep, active: bool | None = None, limit: Limit = 50,
                   cursor: Cursor = None) -> WebhookPage:
    found, next_cursor = await service.list_subscriptions(uow, active=active, limit=limit, cursor=cursor,
                                                          owner=confined_to(caller))
    return WebhookPage(items=[WebhookOut.model_validate(s) for s in found], next_cursor=next_cursor)


@webhook_router.get("/{subscription_id}", responses=NO_SUBSCRIPTION,
                    summary="One subscription, with its notice if it was disabled")
async def get(subscription_id: UUID, uow: UowDep, caller: CallerDep) -> WebhookOut:
    return WebhookOut.model_validate(await service.get_subscription(uow, subscription_id,
                                                                    owner=confined_to(caller)))


@webhook_router.patch("/{subscription_id}", dependencies=[Depends(require_json)],
                      responses={**NOT_JSON, **NO_SUBSCRIPTION},
                      summary="Change a subscription; `active: true` re-enables a disabled one")
async def update(subscription_id: UUID, body: WebhookPatchIn, uow: UowDep, actor: ActorDep,
                 caller: CallerDep) -> WebhookOut:
    return WebhookOut.model_validate(await service.update_subscription(uow, subscription_id, body.changes(),
                                                                       actor=actor, owner=confined_to(caller)))


@webhook_router.post("/{subscription_id}/secret/rotation", responses=NO_SUBSCRIPTION,
                     summary="Rotate the signing secret",
                     description="The answer holds the new secret; the old one keeps signing beside it "
                     "(two signatures in webhook-signature) until previous_secret_until.")
async def rotate(subscription_id: UUID, uow: UowDep, settings: SettingsDep, actor: ActorDep, caller: CallerDep,
                 body: SecretRotationIn | None = None) -> SecretOut:
    grace_s = body.grace_s if body and body.grace_s is not None else settings.webhook_rotation_grace_s
    subscription = await service.rotate_secret(uow, subscription_id, grace_s=grace_s, actor=actor,
                                               owner=confined_to(caller))
    return SecretOut(secret=subscription.secret, previous_secret_until=subscription.previous_secret_until)


@webhook_router.get("/{subscription_id}/deliveries", responses=NO_SUBSCRIPTION,
                    summary="The delivery log, newest first")
async def deliveries(subscription_id: UUID, uow: UowDep, caller: CallerDep, state: State = None,
                     event_type: str | None = None, complaint_id: UUID | None = None,
                     created_from: datetime | None = None,
                     created_to: datetime | None = None, limit: Limit = 50, cursor: Cursor = None) -> DeliveryPage:
    where = DeliveryFilter(subscription_id, state=state, event_type=event_type, complaint_id=complaint_id,
                           created_from=created_from, created_to=created_to)
    found, next_cursor = await service.list_deliveries(uow, where, limit=limit, cursor=cursor,
                                                       owner=confined_to(caller))
    return DeliveryPage(items=[DeliveryOut.model_validate(d) for d in found], next_cursor=next_cursor)


@webhook_router.get("/{subscription_id}/deliveries/{delivery_id}", responses=NO_DELIVERY,
                    summary="One delivery and its tries")
async def delivery(subscription_id: UUID, delivery_id: UUID, uow: UowDep, caller: CallerDep) -> DeliveryDetailOut:
    found, attempts = await service.get_delivery(uow, subscription_id, delivery_id, owner=confined_to(caller))
    return DeliveryDetailOut.of(found, attempts)


@webhook_router.post("/{subscription_id}/deliveries/{delivery_id}/redelivery", status_code=202,
                     responses={**NO_DELIVERY, 409: {"description": "The delivery is still pending"}},
                     summary="Send a succeeded or failed delivery again, with the same id and body")
async def redeliver(subscription_id: UUID, delivery_id: UUID, uow: UowDep, actor: ActorDep,
                    caller: CallerDep) -> DeliveryOut:
    return DeliveryOut.model_validate(await service.redeliver(uow, subscription_id, delivery_id, actor=actor,
                                                              owner=confined_to(caller)))
