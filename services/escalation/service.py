"""SLA clocks through a complaint's life: the use cases the complaint events call."""

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from services.escalation import domain, events
from services.escalation.domain import ClockState
from services.escalation.ladder.domain import on_severity
from services.escalation.ladder.service import raise_level
from services.escalation.models import SlaClock, SlaComplaint, SlaPolicy
from services.escalation.policies.domain import ASSIGNED, ComplaintFacts, choose_policy, clock_start, target_specs
from services.escalation.timings import Clockwork
from services.escalation.uow import EscalationUow
from shared.auth.visibility import CaseView
from shared.contracts.sla import SlaTarget

INITIAL_TARGETS = (SlaTarget.FIRST_RESPONSE, SlaTarget.RESOLUTION, SlaTarget.PERIODIC_UPDATE)
RESPONSE_TARGETS = (SlaTarget.FIRST_RESPONSE, SlaTarget.NEXT_RESPONSE)
ENDED = ("resolved", "closed", "withdrawn", "merged")


async def _complaint(uow: EscalationUow, complaint_id: UUID, tenant: str, now: datetime) -> SlaComplaint:
    """The complaint's row, created on the first event about it (events may arrive in any order) under the
    tenant that event names. Its clocks are locked first: the timer job locks clocks, then complaints, and so
    must everyone else."""
    await uow.clocks.open_clocks(complaint_id)
    complaint = await uow.clocks.complaint(complaint_id)
    if complaint is None:
        complaint = SlaComplaint(id=complaint_id, tenant=tenant, escalation_level=0, created_at=now, updated_at=now)
        uow.clocks.add(complaint)
    return complaint


async def learn_complaint(uow: EscalationUow, *, complaint_id: UUID, received_at: datetime, channel: str,
                          customer_tier: str | None, tenant: str, now: datetime) -> None:
    """complaint.received: remember when it arrived; clocks started before this knew it count from then, and
    sla.recalculated tells intake (which promised the customer the first due time) the new one."""
    async with uow:
        complaint = await _complaint(uow, complaint_id, tenant, now)
        complaint.received_at, complaint.channel, complaint.customer_tier = received_at, channel, customer_tier
        complaint.tenant = tenant  # intake's word on the tenant is the last
        for clock in await uow.clocks.clocks_of(complaint_id):
            if clock.tenant != tenant:
                clock.tenant = tenant
        complaint.updated_at = now
        work, on_assignment = Clockwork(uow), await _assignment_targets(uow, complaint)
        for clock in await uow.clocks.open_clocks(complaint_id):
            if clock.target not in on_assignment:
                previous_due_at = clock.due_at
                domain.move_start(clock, await work.timing(clock), received_at, await work.delays())
                if clock.due_at != previous_due_at:
                    uow.emit(events.recalculated(clock, previous_due_at=previous_due_at, now=now))
        await uow.commit()


async def classify_complaint(uow: EscalationUow, *, complaint_id: UUID, tenant: str, category: str, priority: str,
                             severity: int, now: datetime) -> None:
    """complaint.classified: choose the policy and start its first-response and resolution clocks (once)."""
    async with uow:
        complaint = await _complaint(uow, complaint_id, tenant, now)
        complaint.category, complaint.priority, complaint.severity = category, priority, severity
        complaint.updated_at = now
        work = Clockwork(uow)
        if not await uow.clocks.has_clock(complaint_id, SlaTarget.RESOLUTION):
            policy = choose_policy(await uow.policies.policies(), facts_of(complaint))
            if policy is not None:
                complaint.policy_id = policy.id
                specs = target_specs(policy.targets)
                for target in INITIAL_TARGETS:
                    if target in specs and (start := clock_start(specs[target], assigned_at=complaint.assigned_at,
                                                                 received_at=complaint.received_at or now)):
                        await _start(uow, work, complaint, policy, target, start, now)
            rung = on_severity(await work.levels(), complaint.escalation_level, severity)
            if rung is not None:
                raise_level(uow, complaint, rung, trigger="severity", now=now,
                            reason=f"classified with severity {severity}")
        await uow.commit()


def facts_of(complaint: SlaComplaint) -> ComplaintFacts:
    return ComplaintFacts(priority=complaint.priority, customer_tier=complaint.customer_tier,
                          category=complaint.category, channel=complaint.channel, tenant=complaint.tenant)


async def _start(uow: EscalationUow, work: Clockwork, complaint: SlaComplaint, policy: SlaPolicy, target: str,
                 start: datetime, now: datetime) -> SlaClock | None:
    spec = target_specs(policy.targets).get(target)
    if spec is None:
        return None
    timing = await work.timing_of(spec.calendar, spec.business_hours)
    state = domain.start_clock(target_minutes=spec.minutes, thresholds=list(policy.warning_thresholds),
                               start=start, timing=timing, ladder_delays=await work.delays())
    clock = SlaClock(id=uuid4(), complaint_id=complaint.id, tenant=complaint.tenant, target=target, policy_id=policy.id,
                     business_hours=spec.business_hours, calendar=spec.calendar, created_at=now, updated_at=now,
                     **vars(state))
    uow.clocks.add(clock)
    uow.emit(events.started(clock, now))
    if complaint.status == "awaiting_customer" or complaint.held_since is not None:
        domain.pause(clock, timing, now)
        uow.emit(events.paused(clock, now))
    return clock


async def _assignment_targets(uow: EscalationUow, complaint: SlaComplaint) -> set[str]:
    """The complaint's policy's targets whose clocks start at its first assignment."""
    policy = await uow.policies.policy(complaint.policy_id) if complaint.policy_id else None
    specs = target_specs(policy.targets) if policy is not None else {}
    return {target for target, spec in specs.items() if spec.starts_at == ASSIGNED}


async def _start_for(uow: EscalationUow, complaint: SlaComplaint, target: str, now: datetime) -> None:
    """Start a clock of the complaint's policy for `target`, unless one is already open."""
    policy = await uow.policies.policy(complaint.policy_id) if complaint.policy_id else None
    if policy is not None and not await uow.clocks.open_clocks(complaint.id, target):
        await _start(uow, Clockwork(uow), complaint, policy, target, now, now)


async def _each_open(uow: EscalationUow, complaint_id: UUID, targets: tuple[str, ...], now: datetime,
                     change: Callable[..., None]) -> list[SlaClock]:
    work = Clockwork(uow)
    clocks = await uow.clocks.open_clocks(complaint_id, *targets)
    for clock in clocks:
        change(clock, await work.timing(clock), now)
        clock.updated_at = now
    return clocks


async def change_status(uow: EscalationUow, *, complaint_id: UUID, tenant: str, from_status: str, to_status: str,
                        now: datetime) -> None:
    """Pause while the case awaits the customer, resume when it leaves that state; a reopened complaint gets a
    new resolution clock."""
    async with uow:
        complaint = await _complaint(uow, complaint_id, tenant, now)
        complaint.status, complaint.updated_at = to_status, now
        if to_status == "awaiting_customer":
            await _pause_all(uow, complaint_id, now)
        elif from_status == "awaiting_customer" and complaint.held_since is None:
            await _resume_all(uow, complaint_id, now)
        if to_status == "reopened":
            await _start_for(uow, complaint, SlaTarget.RESOLUTION, now)
        elif to_status == "withdrawn":
            await _cancel(uow, complaint_id, (), now)
        await uow.commit()


async def hold(uow: EscalationUow, *, complaint_id: UUID, tenant: str, now: datetime) -> None:
    """complaint.held: staff wait on someone else, so the open clocks pause until the hold is released."""
    async with uow:
        complaint = await _complaint(uow, complaint_id, tenant, now)
        complaint.held_since = complaint.held_since or now
        complaint.updated_at = now
        await _pause_all(uow, complaint_id, now)
        await uow.commit()


async def release_hold(uow: EscalationUow, *, complaint_id: UUID, tenant: str, now: datetime) -> None:
    """complaint.hold-released: the clocks run again, unless the case still awaits the customer."""
    async with uow:
        complaint = await _complaint(uow, complaint_id, tenant, now)
        complaint.held_since, complaint.updated_at = None, now
        if complaint.status != "awaiting_customer":
            await _resume_all(uow, complaint_id, now)
        await uow.commit()


async def _pause_all(uow: EscalationUow, complaint_id: UUID, now: datetime) -> None:
    work = Clockwork(uow)
    for clock in await uow.clocks.open_clocks(complaint_id):
        if clock.state != ClockState.PAUSED:
            domain.pause(clock, await work.timing(clock), now)
            clock.updated_at = now
            uow.emit(events.paused(clock, now))


async def _resume_all(uow: EscalationUow, complaint_id: UUID, now: datetime) -> None:
    work = Clockwork(uow)
    for clock in await uow.clocks.open_clocks(complaint_id):
        if clock.state == ClockState.PAUSED:
            domain.resume(clock, await work.timing(clock), now, await work.delays())
            clock.updated_at = now
            uow.emit(events.resumed(clock, now))


async def _fulfil(uow: EscalationUow, complaint_id: UUID, targets: tuple[str, ...], now: datetime) -> None:
    work = Clockwork(uow)
    for clock in await _each_open(uow, complaint_id, targets, now, domain.fulfil):
        uow.emit(events.fulfilled(clock, await work.timing(clock), now))


async def _cancel(uow: EscalationUow, complaint_id: UUID, targets: tuple[str, ...], now: datetime) -> None:
    for clock in await _each_open(uow, complaint_id, targets, now, domain.cancel):
        uow.emit(events.cancelled(clock, now))


async def record_response(uow: EscalationUow, *, complaint_id: UUID, tenant: str, now: datetime) -> None:
    """complaint.responded: the first response and a pending next response are done; the periodic-update
    clock starts over."""
    async with uow:
        complaint = await _complaint(uow, complaint_id, tenant, now)
        await _fulfil(uow, complaint_id, (*RESPONSE_TARGETS, SlaTarget.PERIODIC_UPDATE), now)
        if complaint.status not in ("resolved", "closed", "withdrawn"):
            await _start_for(uow, complaint, SlaTarget.PERIODIC_UPDATE, now)
        await uow.commit()


async def record_customer_reply(uow: EscalationUow, *, complaint_id: UUID, tenant: str, now: datetime) -> None:
    """complaint.customer-replied: the customer waits for the next response."""
    async with uow:
        complaint = await _complaint(uow, complaint_id, tenant, now)
        await _start_for(uow, complaint, SlaTarget.NEXT_RESPONSE, now)
        await uow.commit()


async def resolve(uow: EscalationUow, *, complaint_id: UUID, tenant: str, now: datetime) -> None:
    """complaint.resolved: the decision reached the customer, so resolution and any response due are done."""
    async with uow:
        complaint = await _complaint(uow, complaint_id, tenant, now)
        complaint.status, complaint.updated_at = "resolved", now
        await _fulfil(uow, complaint_id, (SlaTarget.RESOLUTION, *RESPONSE_TARGETS), now)
        await _cancel(uow, complaint_id, (SlaTarget.PERIODIC_UPDATE,), now)
        await uow.commit()


async def cancel_clocks(uow: EscalationUow, *, complaint_id: UUID, tenant: str, status: str, now: datetime) -> None:
    """complaint.withdrawn / complaint.merged: no clock applies any more."""
    async with uow:
        complaint = await _complaint(uow, complaint_id, tenant, now)
        complaint.status, complaint.updated_at = status, now
        await _cancel(uow, complaint_id, (), now)
        await uow.commit()


async def assign(uow: EscalationUow, *, complaint_id: UUID, tenant: str, team_id: str, agent_id: str | None,
                 now: datetime) -> None:
    """complaint.assigned: the team the reports count the complaint's clocks for, and the agent (whose SLA status
    the agent may read). The first assignment starts the clocks of targets that start on assignment; a
    reassignment does not restart them."""
    async with uow:
        complaint = await _complaint(uow, complaint_id, tenant, now)
        first = complaint.assigned_at is None and complaint.team_id is None
        complaint.team_id, complaint.agent_id, complaint.updated_at = team_id, agent_id, now
        complaint.assigned_at = complaint.assigned_at or now
        policy = await uow.policies.policy(complaint.policy_id) if complaint.policy_id else None
        if first and policy is not None and complaint.status not in ENDED:
            work = Clockwork(uow)
            for target in sorted(await _assignment_targets(uow, complaint)):
                if target in INITIAL_TARGETS and not await uow.clocks.has_clock(complaint_id, target):
                    await _start(uow, work, complaint, policy, target, now, now)
        await uow.commit()


async def complaint_sla(uow: EscalationUow, *, complaint_id: UUID, view: CaseView, now: datetime) -> dict[str, Any]:
    """Every clock of the complaint with its elapsed and remaining time by `now`, and the escalations; NotFound
    when the caller's view does not hold the complaint. Clocks and escalations are read through the complaint
    found."""
    async with uow:
        complaint = await uow.clocks.get_complaint(complaint_id, view=view)
        work, clocks = Clockwork(uow), []
        for clock in await uow.clocks.clocks_of(complaint_id):
            timing = await work.timing(clock)
            clocks.append({**{key: getattr(clock, key) for key in CLOCK_FIELDS},
                           "warned_thresholds": clock.warned,
                           "elapsed_minutes": round(domain.elapsed_s(clock, timing, clock.ended_at or now) / 60, 3),
                           "remaining_minutes": round(domain.remaining_s(clock, timing, now) / 60, 3)})
        escalations = await uow.clocks.escalations_of(complaint_id)
    return {"complaint_id": complaint.id, **{key: getattr(complaint, key) for key in COMPLAINT_FIELDS},
            "clocks": clocks, "escalations": escalations}


CLOCK_FIELDS = ("id", "target", "policy_id", "state", "business_hours", "calendar", "target_minutes", "started_at",
                "due_at", "breached_at", "ended_at", "met")
COMPLAINT_FIELDS = ("policy_id", "priority", "category", "team_id", "status", "received_at", "escalation_level",
                    "escalation_role", "assigned_at", "held_since")
