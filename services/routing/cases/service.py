"""Use cases driven by other services' events: open a case for a received complaint, follow the customer's
replies and withdrawal, escalations, reopen and close requests. The only place here that commits."""

import logging
from datetime import UTC, datetime
from uuid import UUID

from services.routing import domain as lifecycle
from services.routing.assignment import domain as assignment_domain
from services.routing.assignment import service as assignment
from services.routing.cases.models import Case
from services.routing.cases.steps import move, record
from services.routing.triage import service as triage
from services.routing.uow import RoutingUow
from shared.contracts.complaint import ComplaintReceivedV1, Status

log = logging.getLogger(__name__)


def new_case(event: ComplaintReceivedV1, *, at: datetime) -> Case:
    return Case(
        id=event.complaint_id, tenant=event.tenant, tracking_number=event.tracking_number, kind=event.kind,
        channel=event.channel,
        customer_id=event.customer_id, customer_tier=event.customer_tier, locale=event.locale,
        language=(event.language or "").split("-")[0].lower()[:8] or None, region=event.region,
        product_ref=event.product_ref,
        subject=event.subject[:300], description=event.description, repeat=event.repeat,
        received_at=event.received_at, status=Status.RECEIVED, priority_rank=0, safety_flag=False,
        needs_triage=False, tags=[], escalation_level=0, transfers=0, created_at=at, updated_at=at)


async def open_case(uow: RoutingUow, event: ComplaintReceivedV1) -> Case | None:
    """A case for a received complaint, classified and placed; a second delivery of it changes nothing."""
    at = datetime.now(UTC)
    async with uow:
        if await uow.cases.find(event.complaint_id) is not None:
            log.info("complaint %s already has a case", event.complaint_id)
            return None
        case = new_case(event, at=at)
        uow.cases.add(case)
        record(uow, case, "received", at=at, channel=event.channel, tracking_number=event.tracking_number)
        decided = triage.classify(uow, case, at=at, rules=await uow.rules.all(enabled_only=True))
        await assignment.route(uow, case, at=at, team_id=decided.team_id)
        await uow.commit()
    return case


async def _known(uow: RoutingUow, complaint_id: UUID, what: str) -> Case | None:
    case = await uow.cases.find(complaint_id)
    if case is None:
        log.warning("%s for complaint %s, which has no case here; ignored", what, complaint_id)
    return case


async def customer_replied(uow: RoutingUow, *, complaint_id: UUID, message: str) -> None:
    """The customer's answer puts an awaiting (or answered) case back in progress."""
    at = datetime.now(UTC)
    async with uow:
        case = await _known(uow, complaint_id, "a customer reply")
        if case is None:
            return
        record(uow, case, "customer_replied", at=at, actor="customer", text=message)
        if Status(case.status) in (Status.AWAITING_CUSTOMER, Status.RESPONDED):
            move(uow, case, Status.IN_PROGRESS, at=at, actor="customer", reason="the customer replied")
        await uow.commit()


async def withdraw(uow: RoutingUow, *, complaint_id: UUID, reason: str | None) -> None:
    await _finish(uow, complaint_id, Status.WITHDRAWN, actor="customer", reason=reason or "withdrawn")


async def close(uow: RoutingUow, *, complaint_id: UUID, reason: str) -> None:
    await _finish(uow, complaint_id, Status.CLOSED, actor="feedback", reason=reason)


async def _finish(uow: RoutingUow, complaint_id: UUID, target: Status, *, actor: str, reason: str) -> None:
    at = datetime.now(UTC)
    async with uow:
        case = await _known(uow, complaint_id, f"a request to make it {target}")
        if case is None:
            return
        if not lifecycle.can_move(case.status, target):
            record(uow, case, "ignored", at=at, actor=actor, text=f"cannot go from {case.status} to {target}")
        else:
            await assignment.let_go(uow, case, at=at)
            move(uow, case, target, at=at, actor=actor, reason=reason)
        await uow.commit()


async def reopen(uow: RoutingUow, *, complaint_id: UUID, reason: str, actor: str = "feedback") -> Case | None:
    """resolved → reopened → assigned, to the agent who had it if they can take it."""
    at = datetime.now(UTC)
    async with uow:
        case = await _known(uow, complaint_id, "a reopen request")
        if case is None:
            return None
        reopen_case(uow, case, at=at, actor=actor, reason=reason, strict=False)
        if Status(case.status) == Status.REOPENED:
            await assignment.route(uow, case, at=at, prefer=case.last_agent_id, actor=actor)
        await uow.commit()
    return case


def reopen_case(uow: RoutingUow, case: Case, *, at: datetime, actor: str | None, reason: str, strict: bool) -> None:
    if not strict and not lifecycle.can_move(case.status, Status.REOPENED):
        record(uow, case, "ignored", at=at, actor=actor, text=f"cannot reopen a {case.status} case")
        return
    move(uow, case, Status.REOPENED, at=at, actor=actor, reason=reason)
    case.resolved_at = None


async def escalate(uow: RoutingUow, *, complaint_id: UUID, level: int, role: str | None, reason: str) -> None:
    """Move the case to the queue of the level's role: team lead of its team, a manager, a director."""
    at = datetime.now(UTC)
    async with uow:
        case = await _known(uow, complaint_id, "an escalation")
        if case is None:
            return
        wanted = assignment_domain.role_for_level(level, role)
        case.escalation_level = max(case.escalation_level, level)
        record(uow, case, "escalated", at=at, actor="escalation", text=reason, level=level, role=wanted)
        holder = await uow.org.find_agent(case.agent_id) if case.agent_id else None
        team = await uow.org.find_team(case.team_id) if case.team_id else None
        if Status(case.status) in lifecycle.HELD and team and not (holder and holder.role == wanted):
            case.required_role = wanted
            agent = await assignment.take_agent(uow, team, case, at=at)
            await assignment.place(uow, case, team=team, agent=agent, at=at, actor="escalation",
                                   reason=f"escalated to level {level} ({wanted})")
        await uow.commit()
