"""Holding a case while it waits on a third party (a supplier, a courier, another department), and releasing it.
The hold is a step of the case's history, announced to escalation, which pauses the SLA clocks meanwhile. The
only place here that commits."""

from datetime import UTC, datetime
from uuid import UUID

from services.routing.cases.steps import record
from services.routing.casework import domain
from services.routing.casework.schemas import HoldIn, HoldOut
from services.routing.uow import RoutingUow
from shared.contracts.complaint import ComplaintHeldV1, ComplaintHoldReleasedV1


async def hold(uow: RoutingUow, complaint_id: UUID, body: HoldIn, *, actor: str) -> HoldOut:
    at = datetime.now(UTC)
    async with uow:
        case = await uow.cases.get(complaint_id)
        on_hold = domain.current_hold(await uow.cases.history(case.id)) is not None
        domain.check_hold(case.status, on_hold=on_hold, until=body.until, now=at)
        until = body.until.astimezone(UTC) if body.until else None
        uow.emit(ComplaintHeldV1(complaint_id=case.id, tenant=case.tenant, reason=body.reason, until=until, actor=actor,
                                 occurred_at=at))
        record(uow, case, domain.HOLD, at=at, actor=actor, text=body.reason,
               until=until.isoformat() if until else None)
        case.updated_at = at
        await uow.commit()
    return HoldOut(complaint_id=case.id, status=case.status, on_hold=True, since=at, until=until, reason=body.reason,
                   actor=actor)


async def release(uow: RoutingUow, complaint_id: UUID, *, actor: str, reason: str | None) -> HoldOut:
    at = datetime.now(UTC)
    async with uow:
        case = await uow.cases.get(complaint_id)
        held = domain.current_hold(await uow.cases.history(case.id))
        domain.check_release(on_hold=held is not None)
        uow.emit(ComplaintHoldReleasedV1(complaint_id=case.id, tenant=case.tenant, actor=actor, reason=reason,
                                         occurred_at=at))
        record(uow, case, domain.HOLD_RELEASED, at=at, actor=actor, text=reason)
        case.updated_at = at
        await uow.commit()
    return HoldOut(complaint_id=case.id, status=case.status, on_hold=False, reason=reason, actor=actor)
