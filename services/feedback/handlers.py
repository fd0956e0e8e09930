"""Events the feedback service consumes, each mapped to the handler that turns it into a use case.

Every event in the registry is handled: the handler records it in the analytics read model, then does this
service's work for it, if any, all in the one transaction committed with the inbox row. complaint.erased is the
exception: it erases the complaint's texts and records no fact; complaint.erasure-confirmed is not handled."""

from collections.abc import Awaitable, Callable
from typing import Any

from services.feedback.analytics.facts import record_fact
from services.feedback.cases import service
from services.feedback.cases.erasure import erase_complaint
from services.feedback.uow import FeedbackUow
from shared.contracts import REGISTRY, Event
from shared.contracts.complaint import (
    ComplaintErasedV1,
    ComplaintErasureConfirmedV1,
    ComplaintMergedV1,
    ComplaintReceivedV1,
    ComplaintResolvedV1,
    ComplaintStatusChangedV1,
    ComplaintWithdrawnV1,
)
from shared.messaging.consumer import Handler

Work = Callable[[FeedbackUow, Any], Awaitable[None]]

WORK: dict[type[Event], Work] = {
    ComplaintReceivedV1: service.learn_received,
    ComplaintResolvedV1: service.learn_resolved,
    ComplaintStatusChangedV1: service.learn_status,
    ComplaintWithdrawnV1: service.learn_ended,
    ComplaintMergedV1: service.learn_ended,
}


def handler_for(event_class: type[Event]) -> Handler:
    work = WORK.get(event_class)

    async def handle(event: Event, uow: FeedbackUow) -> None:
        # The fact first: a use case commits, and the fact must commit with it and the inbox row.
        await record_fact(event, uow)
        if work is not None:
            await work(uow, event)

    handle.__name__ = f"on_{event_class.ce_type.split('.')[2].replace('-', '_')}"
    return handle


async def on_erased(event: ComplaintErasedV1, uow: FeedbackUow) -> None:
    """No fact: erasure changes no KPI, and must not make a fact for a complaint this service never saw."""
    await erase_complaint(uow, complaint_id=event.complaint_id, tenant=event.tenant)


HANDLERS: dict[type[Event], Handler] = {event_class: handler_for(event_class) for event_class in REGISTRY.events}
HANDLERS[ComplaintErasedV1] = on_erased
del HANDLERS[ComplaintErasureConfirmedV1]  # the services' answers to intake, no fact of the complaint
