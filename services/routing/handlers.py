"""Events the routing service consumes, each mapped to the use case it starts."""

from services.routing.cases import service
from services.routing.cases.erasure import erase_case
from services.routing.uow import RoutingUow
from shared.contracts import Event
from shared.contracts.complaint import (
    ComplaintCloseRequestedV1,
    ComplaintCustomerRepliedV1,
    ComplaintErasedV1,
    ComplaintEscalatedV1,
    ComplaintReceivedV1,
    ComplaintReopenRequestedV1,
    ComplaintWithdrawnV1,
)
from shared.messaging.consumer import Handler


async def on_complaint_received(event: ComplaintReceivedV1, uow: RoutingUow) -> None:
    await service.open_case(uow, event)


async def on_customer_replied(event: ComplaintCustomerRepliedV1, uow: RoutingUow) -> None:
    await service.customer_replied(uow, complaint_id=event.complaint_id, message=event.message)


async def on_withdrawn(event: ComplaintWithdrawnV1, uow: RoutingUow) -> None:
    await service.withdraw(uow, complaint_id=event.complaint_id, reason=event.reason)


async def on_escalated(event: ComplaintEscalatedV1, uow: RoutingUow) -> None:
    await service.escalate(uow, complaint_id=event.complaint_id, level=event.level, role=event.role,
                           reason=event.reason)


async def on_reopen_requested(event: ComplaintReopenRequestedV1, uow: RoutingUow) -> None:
    await service.reopen(uow, complaint_id=event.complaint_id, reason=event.reason)


async def on_close_requested(event: ComplaintCloseRequestedV1, uow: RoutingUow) -> None:
    await service.close(uow, complaint_id=event.complaint_id, reason=event.reason)


async def on_erased(event: ComplaintErasedV1, uow: RoutingUow) -> None:
    await erase_case(uow, complaint_id=event.complaint_id, tenant=event.tenant)


HANDLERS: dict[type[Event], Handler] = {
    ComplaintReceivedV1: on_complaint_received,
    ComplaintCustomerRepliedV1: on_customer_replied,
    ComplaintWithdrawnV1: on_withdrawn,
    ComplaintEscalatedV1: on_escalated,
    ComplaintReopenRequestedV1: on_reopen_requested,
    ComplaintCloseRequestedV1: on_close_requested,
    ComplaintErasedV1: on_erased,
}
