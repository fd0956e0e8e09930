"""SLA events built from clocks."""

from datetime import datetime
from typing import TypeVar

from services.escalation.domain import ClockState, DueClock, Timing, elapsed_s
from services.escalation.models import SlaClock
from shared.contracts.sla import (
    SlaCancelledV1,
    SlaFulfilledV1,
    SlaPausedV1,
    SlaRecalculatedV1,
    SlaResumedV1,
    SlaStartedV1,
    SlaTarget,
    _SlaEvent,
)

E = TypeVar("E", bound=_SlaEvent)


def sla_event(kind: type[E], clock: SlaClock | DueClock, now: datetime, **extra: object) -> E:
    return kind(complaint_id=clock.complaint_id, tenant=clock.tenant, occurred_at=now, target=SlaTarget(clock.target),
                policy_id=clock.policy_id, due_at=clock.due_at, **extra)


def started(clock: SlaClock, now: datetime) -> SlaStartedV1:
    whole = float(clock.target_minutes).is_integer()  # the contract has whole minutes only
    return sla_event(SlaStartedV1, clock, now, business_hours=clock.business_hours,
                     target_minutes=int(clock.target_minutes) if whole else None)


def fulfilled(clock: SlaClock, timing: Timing, now: datetime) -> SlaFulfilledV1:
    return sla_event(SlaFulfilledV1, clock, now, met=bool(clock.met),
                     elapsed_minutes=round(elapsed_s(clock, timing, now) / 60, 3))


def paused(clock: SlaClock, now: datetime) -> SlaPausedV1:
    return sla_event(SlaPausedV1, clock, now)


def resumed(clock: SlaClock, now: datetime) -> SlaResumedV1:
    return sla_event(SlaResumedV1, clock, now)


def cancelled(clock: SlaClock, now: datetime) -> SlaCancelledV1:
    return sla_event(SlaCancelledV1, clock, now)


def recalculated(clock: SlaClock, *, previous_due_at: datetime, now: datetime) -> SlaRecalculatedV1:
    return sla_event(SlaRecalculatedV1, clock, now, previous_due_at=previous_due_at,
                     target_minutes=clock.target_minutes, business_hours=clock.business_hours,
                     paused=clock.state == ClockState.PAUSED, breached=clock.breached_at is not None)
