"""SLA clocks: a pure state machine over elapsed (business) time. No I/O; the caller passes `now`.

A clock runs from its start; pauses stop it (elapsed time is accumulated in `elapsed_s` and the running part is
measured from `running_since`). It is fulfilled (met or not) when the target is done, cancelled when it no
longer applies. A clock past its due time is breached and keeps running until fulfilled, then met=False.
The timer job asks `fire` what is due: warnings (once per threshold), the breach (once) and, after a breach,
the steps of the escalation ladder that come with time; `next_fire_at` is when that next has work.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol
from uuid import UUID

from services.escalation.calendars import BusinessCalendar, add_business_time, business_time_between
from shared.errors import IllegalTransition


class ClockState(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    BREACHED = "breached"
    FULFILLED = "fulfilled"
    CANCELLED = "cancelled"


OPEN = {ClockState.RUNNING, ClockState.PAUSED, ClockState.BREACHED}


class ClockFields(Protocol):
    state: str
    target_minutes: float
    thresholds: list[int]
    warned: list[int]
    escalated_after_breach: list[int]
    started_at: datetime
    running_since: datetime | None
    elapsed_s: float
    due_at: datetime
    next_fire_at: datetime | None
    breached_at: datetime | None
    ended_at: datetime | None
    met: bool | None


@dataclass
class Clock:
    """The fields of a clock, as a plain object (the table row has the same attributes)."""

    state: str
    target_minutes: float
    thresholds: list[int]
    started_at: datetime
    due_at: datetime
    running_since: datetime | None = None
    elapsed_s: float = 0.0
    warned: list[int] = field(default_factory=list)
    escalated_after_breach: list[int] = field(default_factory=list)
    next_fire_at: datetime | None = None
    breached_at: datetime | None = None
    ended_at: datetime | None = None
    met: bool | None = None


@dataclass(kw_only=True)
class DueClock(Clock):
    """A clock the timer job claimed, with the columns its events name: a plain object, far cheaper to load by
    the hundred than a mapped row."""

    id: UUID
    complaint_id: UUID
    tenant: str
    target: str
    policy_id: str
    business_hours: bool
    calendar: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Timing:
    """How a clock counts: business hours of a calendar, or plain elapsed time."""

    calendar: BusinessCalendar
    business_hours: bool

    def add(self, start: datetime, seconds: float) -> datetime:
        if not self.business_hours:
            return start + timedelta(seconds=seconds)
        return add_business_time(self.calendar, start, timedelta(seconds=max(seconds, 0.0)))

    def between(self, start: datetime, end: datetime) -> float:
        if not self.business_hours:
            return (end - start).total_seconds()
        return business_time_between(self.calendar, start, end).total_seconds()


@dataclass(frozen=True)
class Fired:
    """One thing the timer found due: a warning (threshold), the breach, or a ladder level after a breach."""

    kind: str  # "warning", "breached" or "after_breach"
    threshold: int | None = None
    level: int | None = None


def start_clock(*, target_minutes: float, thresholds: list[int], start: datetime, timing: Timing,
                ladder_delays: dict[int, float] | None = None) -> Clock:
    clock = Clock(state=ClockState.RUNNING, target_minutes=target_minutes, thresholds=sorted(set(thresholds)),
                  started_at=start, running_since=start, due_at=timing.add(start, target_minutes * 60.0))
    clock.next_fire_at = next_fire_at(clock, timing, ladder_delays or {})
    return clock


def elapsed_s(clock: ClockFields, timing: Timing, now: datetime) -> float:
    """Time the clock has run by `now`, pauses excluded."""
    running = timing.between(clock.running_since, now) if clock.running_since and now > clock.running_since else 0
    return clock.elapsed_s + max(running, 0.0)


def remaining_s(clock: ClockFields, timing: Timing, now: datetime) -> float:
    """Time left until the target (negative once breached); frozen once the clock has ended."""
    at = clock.ended_at or now
    return clock.target_minutes * 60.0 - elapsed_s(clock, timing, at)


def is_open(clock: ClockFields) -> bool:
    return clock.state in OPEN


def pause(clock: ClockFields, timing: Timing, now: datetime) -> None:
    if clock.state not in (ClockState.RUNNING, ClockState.BREACHED):
        raise IllegalTransition(clock.state, ClockState.PAUSED)
    clock.elapsed_s = elapsed_s(clock, timing, now)
    clock.running_since = None
    clock.state = ClockState.PAUSED
    clock.next_fire_at = None


def resume(clock: ClockFields, timing: Timing, now: datetime, ladder_delays: dict[int, float]) -> None:
    if clock.state != ClockState.PAUSED:
        raise IllegalTransition(clock.state, "resumed")
    clock.running_since = now
    clock.state = ClockState.BREACHED if clock.breached_at else ClockState.RUNNING
    if clock.breached_at is None:
        clock.due_at = timing.add(now, clock.target_minutes * 60.0 - clock.elapsed_s)
    clock.next_fire_at = next_fire_at(clock, timing, ladder_delays)


def fulfil(clock: ClockFields, timing: Timing, now: datetime) -> None:
    _end(clock, timing, now, ClockState.FULFILLED)
    clock.met = clock.breached_at is None and clock.elapsed_s <= clock.target_minutes * 60.0


def cancel(clock: ClockFields, timing: Timing, now: datetime) -> None:
    _end(clock, timing, now, ClockState.CANCELLED)


def _end(clock: ClockFields, timing: Timing, now: datetime, state: ClockState) -> None:
    if not is_open(clock):
        raise IllegalTransition(clock.state, state)
    clock.elapsed_s = elapsed_s(clock, timing, now)
    clock.running_since = None
    clock.state = state
    clock.ended_at = now
    clock.next_fire_at = None


def threshold_at(clock: ClockFields, timing: Timing, percent: int) -> datetime | None:
    """When the running clock reaches `percent` of its target (in the past if it already has)."""
    if clock.running_since is None:
        return None
    left = clock.target_minutes * 60.0 * percent / 100 - clock.elapsed_s
    return clock.running_since if left <= 0 else timing.add(clock.running_since, left)


def next_fire_at(clock: ClockFields, timing: Timing, ladder_delays: dict[int, float]) -> datetime | None:
    """The earliest of the next unwarned threshold, the due time, and the ladder steps after a breach."""
    if clock.state not in (ClockState.RUNNING, ClockState.BREACHED) or clock.running_since is None:
        return None
    moments: list[datetime] = []
    if clock.breached_at is None:
        moments.append(clock.due_at)
        moments += [at for percent in clock.thresholds if percent not in clock.warned
                    and (at := threshold_at(clock, timing, percent)) is not None]
    else:
        moments += [clock.breached_at + timedelta(minutes=minutes) for level, minutes in ladder_delays.items()
                    if level not in clock.escalated_after_breach]
    return min(moments, default=None)


def fire(clock: ClockFields, timing: Timing, now: datetime, ladder_delays: dict[int, float]) -> list[Fired]:
    """What is due on a running clock by `now`, each thing once: marks it done and advances next_fire_at."""
    if clock.state not in (ClockState.RUNNING, ClockState.BREACHED):
        clock.next_fire_at = None
        return []
    fired = _due_warnings(clock, timing, now)
    if clock.breached_at is None and clock.due_at <= now:
        clock.breached_at = clock.due_at
        clock.state = ClockState.BREACHED
        fired.append(Fired("breached"))
    if clock.breached_at is not None:
        fired += _due_ladder_steps(clock, now, ladder_delays)
    clock.next_fire_at = next_fire_at(clock, timing, ladder_delays)
    return fired


def _due_warnings(clock: ClockFields, timing: Timing, now: datetime) -> list[Fired]:
    if clock.breached_at is not None:
        return []
    due = [percent for percent in clock.thresholds if percent not in clock.warned
           and (at := threshold_at(clock, timing, percent)) is not None and at <= now]
    clock.warned = sorted({*clock.warned, *due})
    return [Fired("warning", threshold=percent) for percent in sorted(due)]


def _due_ladder_steps(clock: ClockFields, now: datetime, ladder_delays: dict[int, float]) -> list[Fired]:
    assert clock.breached_at is not None
    due = sorted(level for level, minutes in ladder_delays.items() if level not in clock.escalated_after_breach
                 and clock.breached_at + timedelta(minutes=minutes) <= now)
    clock.escalated_after_breach = sorted({*clock.escalated_after_breach, *due})
    return [Fired("after_breach", level=level) for level in due]


@dataclass(frozen=True)
class Terms:
    """What a clock has told others about itself: the due time, the target's length and kind, the breach."""

    due_at: datetime
    target_minutes: float
    business_hours: bool
    breached: bool
    paused: bool

    @classmethod
    def of(cls, clock: ClockFields, *, business_hours: bool) -> "Terms":
        return cls(due_at=clock.due_at, target_minutes=clock.target_minutes, business_hours=business_hours,
                   breached=clock.breached_at is not None, paused=clock.state == ClockState.PAUSED)

    def differs(self, before: "Terms") -> bool:
        """Worth announcing: a paused clock's due time is only what it would be if it ran now, so for it only
        the target counts; sub-second shifts are rounding."""
        moved = not self.paused and abs((self.due_at - before.due_at).total_seconds()) >= 1
        return moved or (self.target_minutes, self.business_hours, self.breached) != \
            (before.target_minutes, before.business_hours, before.breached)


def recalculate(clock: ClockFields, timing: Timing, now: datetime, *, target_minutes: float, thresholds: list[int],
                ladder_delays: dict[int, float]) -> None:
    """Apply a changed target to an open clock as if it had always been in force: the due time, the warnings
    still to come and the breach (undone when the new target leaves room) follow the new target."""
    if not is_open(clock):
        raise IllegalTransition(clock.state, "recalculated")
    clock.target_minutes, clock.thresholds = target_minutes, sorted(set(thresholds))
    ran = elapsed_s(clock, timing, now)
    left = target_minutes * 60.0 - ran
    # Past the new target already: due when the clock reached it (its restart, if that was before a pause).
    clock.due_at = timing.add(now, left) if left > 0 else (threshold_at(clock, timing, 100) or now)
    if left > 0:
        clock.breached_at = None
        if clock.state == ClockState.BREACHED:
            clock.state = ClockState.RUNNING
    clock.warned = [p for p in clock.warned if p in clock.thresholds and target_minutes * 60.0 * p / 100 <= ran]
    clock.next_fire_at = next_fire_at(clock, timing, ladder_delays)


def move_start(clock: ClockFields, timing: Timing, start: datetime, ladder_delays: dict[int, float]) -> None:
    """The complaint turned out to have arrived at `start`: a clock that has run without pause since it
    started counts from there instead."""
    if clock.state != ClockState.RUNNING or clock.running_since != clock.started_at or clock.elapsed_s:
        return
    clock.started_at = clock.running_since = start
    clock.due_at = timing.add(start, clock.target_minutes * 60.0)
    clock.next_fire_at = next_fire_at(clock, timing, ladder_delays)
