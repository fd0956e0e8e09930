"""The SLA clock state machine, on fixed moments (never the wall clock)."""

from datetime import UTC, datetime, timedelta

import pytest

from services.escalation import domain
from services.escalation.calendars import DEFAULT_CALENDARS
from services.escalation.domain import ClockState, Timing
from shared.errors import IllegalTransition

ROUND_THE_CLOCK = Timing(DEFAULT_CALENDARS["24x7"], business_hours=False)
OFFICE = Timing(DEFAULT_CALENDARS["cn-standard"], business_hours=True)
T0 = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai
LADDER = {2: 60, 3: 240}


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


def new_clock(target: int = 100, timing: Timing = ROUND_THE_CLOCK, start: datetime = T0) -> domain.Clock:
    return domain.start_clock(target_minutes=target, thresholds=[90, 75], start=start, timing=timing,
                              ladder_delays=LADDER)


def test_a_new_clock_runs_and_first_fires_at_its_lowest_threshold():
    clock = new_clock()
    assert clock.state == ClockState.RUNNING and clock.thresholds == [75, 90]
    assert clock.due_at == T0 + minutes(100)
    assert clock.next_fire_at == T0 + minutes(75)


def test_business_hours_skip_the_lunch_break_and_the_night():
    clock = new_clock(target=8 * 60, timing=OFFICE)
    assert clock.due_at == T0 + timedelta(hours=9)  # 09:00 + 3 h + lunch + 5 h = 18:00 Shanghai
    late = new_clock(target=120, timing=OFFICE, start=T0 + timedelta(hours=8))  # 17:00 Monday
    assert late.due_at == datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # Tuesday 10:00 Shanghai


def test_warnings_fire_once_each_then_the_breach_once():
    clock = new_clock()
    assert domain.fire(clock, ROUND_THE_CLOCK, T0 + minutes(74), LADDER) == []
    assert domain.fire(clock, ROUND_THE_CLOCK, T0 + minutes(80), LADDER) == [domain.Fired("warning", threshold=75)]
    assert clock.next_fire_at == T0 + minutes(90)
    assert domain.fire(clock, ROUND_THE_CLOCK, T0 + minutes(80), LADDER) == []
    fired = domain.fire(clock, ROUND_THE_CLOCK, T0 + minutes(101), LADDER)
    assert fired == [domain.Fired("warning", threshold=90), domain.Fired("breached")]
    assert clock.state == ClockState.BREACHED and clock.breached_at == T0 + minutes(100)
    assert domain.fire(clock, ROUND_THE_CLOCK, T0 + minutes(102), LADDER) == []


def test_a_breached_clock_keeps_running_and_climbs_the_ladder_with_time():
    clock = new_clock()
    domain.fire(clock, ROUND_THE_CLOCK, T0 + minutes(100), LADDER)
    assert clock.next_fire_at == T0 + minutes(160)
    assert domain.fire(clock, ROUND_THE_CLOCK, T0 + minutes(161), LADDER) == [domain.Fired("after_breach", level=2)]
    assert clock.next_fire_at == T0 + minutes(340)
    assert domain.fire(clock, ROUND_THE_CLOCK, T0 + minutes(400), LADDER) == [domain.Fired("after_breach", level=3)]
    assert clock.next_fire_at is None and clock.state == ClockState.BREACHED
    domain.fulfil(clock, ROUND_THE_CLOCK, T0 + minutes(500))
    assert clock.state == ClockState.FULFILLED and clock.met is False and clock.elapsed_s == 500 * 60


def test_pauses_are_not_counted_and_resuming_moves_the_due_time():
    clock = new_clock()
    domain.pause(clock, ROUND_THE_CLOCK, T0 + minutes(30))
    assert clock.state == ClockState.PAUSED and clock.next_fire_at is None
    assert domain.elapsed_s(clock, ROUND_THE_CLOCK, T0 + minutes(500)) == 30 * 60
    assert domain.fire(clock, ROUND_THE_CLOCK, T0 + minutes(500), LADDER) == []
    domain.resume(clock, ROUND_THE_CLOCK, T0 + minutes(90), LADDER)
    assert clock.state == ClockState.RUNNING and clock.due_at == T0 + minutes(160)
    assert clock.next_fire_at == T0 + minutes(135)  # 75 % = 75 min, 30 before the pause and 45 after
    domain.fulfil(clock, ROUND_THE_CLOCK, T0 + minutes(150))
    assert clock.met is True and clock.elapsed_s == 90 * 60


def test_a_paused_breached_clock_resumes_as_breached():
    clock = new_clock()
    domain.fire(clock, ROUND_THE_CLOCK, T0 + minutes(110), LADDER)
    domain.pause(clock, ROUND_THE_CLOCK, T0 + minutes(120))
    domain.resume(clock, ROUND_THE_CLOCK, T0 + minutes(200), LADDER)
    assert clock.state == ClockState.BREACHED and clock.due_at == T0 + minutes(100)


@pytest.mark.parametrize("end", [domain.fulfil, domain.cancel])
def test_ended_clocks_accept_nothing_more(end):
    clock = new_clock()
    end(clock, ROUND_THE_CLOCK, T0 + minutes(10))
    for change in (domain.fulfil, domain.cancel, domain.pause):
        with pytest.raises(IllegalTransition):
            change(clock, ROUND_THE_CLOCK, T0 + minutes(20))
    with pytest.raises(IllegalTransition):
        domain.resume(clock, ROUND_THE_CLOCK, T0 + minutes(20), LADDER)
    assert domain.remaining_s(clock, ROUND_THE_CLOCK, T0 + minutes(999)) == 90 * 60


def test_cancelled_clocks_are_neither_met_nor_missed():
    clock = new_clock()
    domain.cancel(clock, ROUND_THE_CLOCK, T0 + minutes(10))
    assert clock.state == ClockState.CANCELLED and clock.met is None and clock.next_fire_at is None


def test_recalculating_to_a_shorter_target_breaches_at_once():
    clock = new_clock()
    now = T0 + minutes(50)
    domain.recalculate(clock, ROUND_THE_CLOCK, now, target_minutes=40, thresholds=[50], ladder_delays=LADDER)
    assert clock.due_at == T0 + minutes(40) and clock.next_fire_at == T0 + minutes(20)
    assert [item.kind for item in domain.fire(clock, ROUND_THE_CLOCK, now, LADDER)] == ["warning", "breached"]
    assert clock.breached_at == T0 + minutes(40)


def test_recalculating_a_breached_clock_to_the_same_target_keeps_its_due_time():
    clock = new_clock(timing=OFFICE)
    domain.fire(clock, OFFICE, T0 + timedelta(days=1), LADDER)
    before = domain.Terms.of(clock, business_hours=True)
    domain.recalculate(clock, OFFICE, T0 + timedelta(days=1, hours=2), target_minutes=100, thresholds=[75, 90],
                       ladder_delays=LADDER)
    assert clock.due_at == before.due_at == T0 + minutes(100) and clock.state == ClockState.BREACHED
    assert not domain.Terms.of(clock, business_hours=True).differs(before)


def test_recalculating_to_a_longer_target_undoes_a_breach_and_forgets_warnings_not_reached():
    clock = new_clock()
    domain.fire(clock, ROUND_THE_CLOCK, T0 + minutes(120), LADDER)
    now = T0 + minutes(130)
    domain.recalculate(clock, ROUND_THE_CLOCK, now, target_minutes=200, thresholds=[50, 75], ladder_delays=LADDER)
    assert clock.state == ClockState.RUNNING and clock.breached_at is None
    assert clock.due_at == T0 + minutes(200) and clock.warned == []
    assert clock.next_fire_at == T0 + minutes(100)  # 50 % of 200, already past: fires on the next round


def terms(clock: domain.Clock) -> domain.Terms:
    return domain.Terms.of(clock, business_hours=False)


def test_a_recalculation_is_worth_announcing_when_the_due_time_the_target_or_the_breach_changes():
    clock, now = new_clock(), T0 + minutes(30)
    before = terms(clock)
    domain.recalculate(clock, ROUND_THE_CLOCK, now, target_minutes=100, thresholds=[75, 90], ladder_delays=LADDER)
    assert not terms(clock).differs(before)  # same target: due at T0 + 100 min as before
    domain.recalculate(clock, ROUND_THE_CLOCK, now, target_minutes=60, thresholds=[75, 90], ladder_delays=LADDER)
    assert terms(clock).differs(before) and clock.due_at == T0 + minutes(60)
    domain.fire(clock, ROUND_THE_CLOCK, T0 + minutes(70), LADDER)
    breached = terms(clock)
    assert breached.breached
    domain.recalculate(clock, ROUND_THE_CLOCK, T0 + minutes(70), target_minutes=30, thresholds=[75, 90],
                       ladder_delays=LADDER)
    assert terms(clock).differs(breached)  # still breached, but the target is shorter


def test_a_paused_clock_is_announced_only_when_its_target_changes():
    clock = new_clock()
    domain.pause(clock, ROUND_THE_CLOCK, T0 + minutes(30))
    before = terms(clock)
    domain.recalculate(clock, ROUND_THE_CLOCK, T0 + minutes(90), target_minutes=100, thresholds=[75, 90],
                       ladder_delays=LADDER)
    assert clock.due_at == T0 + minutes(160)  # as if it ran again at +90 min with 70 min left
    assert not terms(clock).differs(before)
    domain.recalculate(clock, ROUND_THE_CLOCK, T0 + minutes(90), target_minutes=120, thresholds=[75, 90],
                       ladder_delays=LADDER)
    assert terms(clock).differs(before) and terms(clock).paused


def test_a_clock_started_early_moves_to_the_real_arrival():
    clock = new_clock(start=T0 + minutes(30))
    domain.move_start(clock, ROUND_THE_CLOCK, T0, LADDER)
    assert clock.started_at == T0 and clock.due_at == T0 + minutes(100)
    domain.pause(clock, ROUND_THE_CLOCK, T0 + minutes(40))
    domain.move_start(clock, ROUND_THE_CLOCK, T0 - minutes(30), LADDER)
    assert clock.started_at == T0  # a paused clock keeps its start
