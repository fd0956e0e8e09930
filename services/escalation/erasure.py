"""Erasure of the free texts escalation keeps about a complaint, when intake has erased its personal data
(complaint.erased): the reasons of its escalations (a customer's own words when they asked for it), and the
events copied into webhook deliveries that have ended. A pending delivery still goes out as it was queued,
before the complaint.erased delivery that tells the partner to erase it too. Repeating it changes nothing; each time,
complaint.erasure-confirmed tells intake, which reports the erasure's completion per service."""

import json
from uuid import UUID

from sqlalchemy import select, update

from services.escalation.models import Escalation
from services.escalation.uow import EscalationUow
from services.escalation.webhooks import domain as webhooks
from services.escalation.webhooks.models import WebhookDelivery
from shared.contracts.complaint import ERASED_TEXT, ComplaintErasureConfirmedV1


def erased_body(payload: str) -> str:
    """A delivered webhook's body with the event's data gone: the CloudEvents attributes stay, so the delivery
    still says what was sent when; the data keeps only the complaint and the moment."""
    document = json.loads(payload)
    data = document.get("data") or {}
    document["data"] = {"complaint_id": data.get("complaint_id"), "occurred_at": data.get("occurred_at"),
                        "erased": True}
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


async def erase_complaint(uow: EscalationUow, *, complaint_id: UUID, tenant: str) -> None:
    async with uow:
        await uow.session.execute(update(Escalation).where(Escalation.complaint_id == complaint_id)
                                  .values(reason=ERASED_TEXT))
        ended = await uow.session.scalars(select(WebhookDelivery).where(
            WebhookDelivery.complaint_id == complaint_id, WebhookDelivery.state != webhooks.PENDING))
        for delivery in ended:
            delivery.payload = erased_body(delivery.payload)
        uow.emit(ComplaintErasureConfirmedV1(complaint_id=complaint_id, tenant=tenant, service=uow.source))
        await uow.commit()
