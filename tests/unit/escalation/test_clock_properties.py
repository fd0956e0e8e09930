"""Properties of the SLA clock state machine under random sequences of pauses, resumes, timer rounds and ends,
in calendar hours and in business hours: the timer job may sleep until `next_fire_at` without missing
anything, each warning, breach and ladder step fires once, and paused time never counts."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from services.escalation import domain
from services.escalation.calendars import DEFAULT_CALENDARS
from services.escalation.domain import ClockState, Timing
from shared.errors import IllegalTransition

# Float rounding of business-time arithmetic: a second either side of a boundary is not a property violation.
SLACK_S = 1.0
LADDER = {2: 60.0, 3: 240.0}
STEPS = st.one_of(st.integers(1, 59).map(lambda m: timedelta(minutes=m)),
                  st.integers(1, 48).map(lambda h: timedelta(hours=h)),
                  st.integers(1, 5).map(lambda d: timedelta(days=d)))


class ClockMachine(RuleBasedStateMachine):
    @initialize(business_hours=st.booleans(), target_minutes=st.sampled_from([30, 60, 240, 1440, 4320]),
                thresholds=st.lists(st.sampled_from([50, 75, 90]), max_size=3),
                start=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2026, 12, 31)))
    def start(self, business_hours: bool, target_minutes: int, thresholds: list[int], start: datetime) -> None:
        self.timing = Timing(calendar=DEFAULT_CALENDARS["cn-standard"], business_hours=business_hours)
        self.now = start.replace(tzinfo=UTC)
        self.clock = domain.start_clock(target_minutes=target_minutes, thresholds=thresholds, start=self.now,
                                        timing=self.timing, ladder_delays=LADDER)
        self.fired: list[domain.Fired] = []
        self.last_elapsed = 0.0

    def target_s(self) -> float:
        return self.clock.target_minutes * 60.0

    def elapsed(self) -> float:
        return domain.elapsed_s(self.clock, self.timing, self.now)

    @rule(step=STEPS)
    def time_passes_without_a_timer_round(self, step: timedelta) -> None:
        # Never up to the next fire time: the job sleeps until then, so this is where it would be asleep.
        due = self.clock.next_fire_at
        later = self.now + step
        if due is not None and later >= due:
            later = max(self.now, due - timedelta(seconds=1))
        self.now = later
        if due is None or self.now < due:
            assert domain.fire(self.clock, self.timing, self.now, LADDER) == []

    @rule(step=STEPS)
    def the_timer_runs(self, step: timedelta) -> None:
        self.now += step
        self.fired += domain.fire(self.clock, self.timing, self.now, LADDER)
        if self.clock.state in (ClockState.RUNNING, ClockState.BREACHED):
            assert self.clock.next_fire_at is None or self.clock.next_fire_at > self.now - timedelta(seconds=SLACK_S)
            self.check_due_things_fired()

    def check_due_things_fired(self) -> None:
        elapsed = self.elapsed()
        breached = self.clock.breached_at is not None
        if elapsed >= self.target_s() + SLACK_S:
            assert breached
        if elapsed <= self.target_s() - SLACK_S:
            assert not breached
        for percent in self.clock.thresholds:
            share = self.target_s() * percent / 100
            if percent in self.clock.warned:
                assert elapsed >= share - SLACK_S
            elif not breached:
                assert elapsed < share + SLACK_S

    @precondition(lambda self: self.clock.state in (ClockState.RUNNING, ClockState.BREACHED))
    @rule(step=STEPS)
    def the_customer_is_asked_and_time_passes(self, step: timedelta) -> None:
        domain.pause(self.clock, self.timing, self.now)
        paused_at = self.elapsed()
        self.now += step
        assert self.elapsed() == paused_at
        assert self.clock.next_fire_at is None
        assert domain.fire(self.clock, self.timing, self.now, LADDER) == []

    @precondition(lambda self: self.clock.state == ClockState.PAUSED)
    @rule()
    def the_customer_answers(self) -> None:
        domain.resume(self.clock, self.timing, self.now, LADDER)
        left = self.target_s() - self.clock.elapsed_s
        if self.clock.breached_at is None and left > 0:
            assert abs(self.timing.between(self.now, self.clock.due_at) - left) <= SLACK_S
        elif self.clock.breached_at is None:
            assert self.clock.due_at <= self.now  # overdue: the next timer round breaches it

    @precondition(lambda self: domain.is_open(self.clock))
    @rule(cancelled=st.booleans())
    def the_target_ends(self, cancelled: bool) -> None:
        elapsed = self.elapsed()
        (domain.cancel if cancelled else domain.fulfil)(self.clock, self.timing, self.now)
        assert self.clock.next_fire_at is None and self.clock.ended_at == self.now
        if not cancelled:
            assert self.clock.met == (self.clock.breached_at is None and elapsed <= self.target_s())

    @precondition(lambda self: not domain.is_open(self.clock))
    @rule(step=STEPS)
    def an_ended_clock_does_not_move(self, step: timedelta) -> None:
        before = (self.clock.state, self.clock.elapsed_s, self.clock.due_at, self.clock.met)
        remaining = domain.remaining_s(self.clock, self.timing, self.now)
        self.now += step
        for change in (domain.pause, domain.fulfil, domain.cancel):
            with pytest.raises(IllegalTransition):
                change(self.clock, self.timing, self.now)
        with pytest.raises(IllegalTransition):
            domain.resume(self.clock, self.timing, self.now, LADDER)
        assert domain.fire(self.clock, self.timing, self.now, LADDER) == []
        assert (self.clock.state, self.clock.elapsed_s, self.clock.due_at, self.clock.met) == before
        assert domain.remaining_s(self.clock, self.timing, self.now) == remaining

    @invariant()
    def elapsed_time_never_goes_back(self) -> None:
        elapsed = self.elapsed()
        assert elapsed >= self.last_elapsed - 1e-6
        self.last_elapsed = elapsed

    @invariant()
    def each_warning_breach_and_ladder_step_fires_once(self) -> None:
        kinds = [(f.kind, f.threshold, f.level) for f in self.fired]
        assert len(kinds) == len(set(kinds))
        assert [f for f in self.fired if f.kind == "after_breach"] == [] or \
            any(f.kind == "breached" for f in self.fired)


ClockMachine.TestCase.settings = settings(max_examples=120, stateful_step_count=25, deadline=None,
                                          suppress_health_check=[HealthCheck.too_slow])
TestClockProperties = ClockMachine.TestCase
