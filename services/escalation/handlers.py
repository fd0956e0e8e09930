"""Events the escalation service consumes, each mapped to the handler that turns it into a use case.

Every event of every family also goes to the partner webhooks, in the transaction of escalation's own work on
it. Escalation's own events (sla.*, complaint.escalated) come back here from their topics and only go to the
webhooks."""

from collections.abc import Awaitable, Callable
from typing import Any

from services.escalation import service
from services.escalation.erasure import erase_complaint
from services.escalation.ladder.service import escalate_for_customer
from services.escalation.uow import EscalationUow
from services.escalation.webhooks.service import fan_out_to_webhooks
from shared.contracts import REGISTRY, Event
from shared.contracts.complaint import (
    ComplaintAssignedV1,
    ComplaintClassifiedV1,
    ComplaintCustomerRepliedV1,
    ComplaintErasedV1,
    ComplaintEscalationRequestedV1,
    ComplaintHeldV1,
    ComplaintHoldReleasedV1,
    ComplaintMergedV1,
    ComplaintReceivedV1,
    ComplaintResolvedV1,
    ComplaintRespondedV1,
    ComplaintStatusChangedV1,
    ComplaintWithdrawnV1,
)
from shared.messaging.consumer import Handler, handled_message


async def on_complaint_received(event: ComplaintReceivedV1, uow: EscalationUow) -> None:
    await service.learn_complaint(uow, complaint_id=event.complaint_id, received_at=event.received_at,
                                  channel=event.channel, customer_tier=event.customer_tier, tenant=event.tenant,
                                  now=event.occurred_at)


async def on_complaint_classified(event: ComplaintClassifiedV1, uow: EscalationUow) -> None:
    await service.classify_complaint(uow, complaint_id=event.complaint_id, tenant=event.tenant,
                                     category=event.category, priority=event.priority, severity=event.severity,
                                     now=event.occurred_at)


async def on_complaint_assigned(event: ComplaintAssignedV1, uow: EscalationUow) -> None:
    await service.assign(uow, complaint_id=event.complaint_id, tenant=event.tenant, team_id=event.team_id,
                         agent_id=event.agent_id, now=event.occurred_at)


async def on_complaint_status_changed(event: ComplaintStatusChangedV1, uow: EscalationUow) -> None:
    await service.change_status(uow, complaint_id=event.complaint_id, tenant=event.tenant,
                                from_status=event.from_status, to_status=event.to_status, now=event.occurred_at)


async def on_complaint_responded(event: ComplaintRespondedV1, uow: EscalationUow) -> None:
    await service.record_response(uow, complaint_id=event.complaint_id, tenant=event.tenant, now=event.occurred_at)


async def on_complaint_customer_replied(event: ComplaintCustomerRepliedV1, uow: EscalationUow) -> None:
    await service.record_customer_reply(uow, complaint_id=event.complaint_id, tenant=event.tenant,
                                        now=event.occurred_at)


async def on_complaint_resolved(event: ComplaintResolvedV1, uow: EscalationUow) -> None:
    await service.resolve(uow, complaint_id=event.complaint_id, tenant=event.tenant, now=event.occurred_at)


async def on_complaint_withdrawn(event: ComplaintWithdrawnV1, uow: EscalationUow) -> None:
    await service.cancel_clocks(uow, complaint_id=event.complaint_id, tenant=event.tenant, status="withdrawn",
                                now=event.occurred_at)


async def on_complaint_merged(event: ComplaintMergedV1, uow: EscalationUow) -> None:
    await service.cancel_clocks(uow, complaint_id=event.complaint_id, tenant=event.tenant, status="merged",
                                now=event.occurred_at)


async def on_complaint_held(event: ComplaintHeldV1, uow: EscalationUow) -> None:
    await service.hold(uow, complaint_id=event.complaint_id, tenant=event.tenant, now=event.occurred_at)


async def on_complaint_hold_released(event: ComplaintHoldReleasedV1, uow: EscalationUow) -> None:
    await service.release_hold(uow, complaint_id=event.complaint_id, tenant=event.tenant, now=event.occurred_at)


async def on_complaint_escalation_requested(event: ComplaintEscalationRequestedV1, uow: EscalationUow) -> None:
    await escalate_for_customer(uow, complaint_id=event.complaint_id, reason=event.reason, now=event.occurred_at)


async def on_complaint_erased(event: ComplaintErasedV1, uow: EscalationUow) -> None:
    await erase_complaint(uow, complaint_id=event.complaint_id, tenant=event.tenant)


SLA_WORK: dict[type[Event], Callable[[Any, EscalationUow], Awaitable[None]]] = {
    ComplaintReceivedV1: on_complaint_received,
    ComplaintClassifiedV1: on_complaint_classified,
    ComplaintAssignedV1: on_complaint_assigned,
    ComplaintStatusChangedV1: on_complaint_status_changed,
    ComplaintRespondedV1: on_complaint_responded,
    ComplaintCustomerRepliedV1: on_complaint_customer_replied,
    ComplaintResolvedV1: on_complaint_resolved,
    ComplaintWithdrawnV1: on_complaint_withdrawn,
    ComplaintMergedV1: on_complaint_merged,
    ComplaintEscalationRequestedV1: on_complaint_escalation_requested,
    ComplaintHeldV1: on_complaint_held,
    ComplaintHoldReleasedV1: on_complaint_hold_released,
    ComplaintErasedV1: on_complaint_erased,
}


def then_webhooks(work: Callable[[Any, EscalationUow], Awaitable[None]] | None) -> Handler:
    """A handler doing escalation's work for the event (if any) and queueing it for the partner webhooks, in
    one transaction. The deliveries are queued first: the use case commits the unit of work (the inbox row
    included), so rows added after that commit could be lost to a crash while the inbox says "handled"."""

    async def handle(event: Event, uow: EscalationUow) -> None:
        message = handled_message()
        if message is None:
            raise RuntimeError(f"{event.ce_type} handled outside the consumer: its ce_id is unknown")
        await fan_out_to_webhooks(event, uow, ce_id=message.ce_id)
        if work is not None:
            await work(event, uow)

    handle.__name__ = getattr(work, "__name__", "on_event_for_webhooks")
    return handle


HANDLERS: dict[type[Event], Handler] = {event: then_webhooks(SLA_WORK.get(event)) for event in REGISTRY.events}
