"""Daylight-saving changes in America/New_York: Sun 9 March 2025 02:00 EST → 03:00 EDT (07:00Z), and
Sun 2 November 2025 02:00 EDT → 01:00 EST (06:00Z)."""

from datetime import date, time, timedelta

from services.escalation.calendars import (
    BusinessCalendar,
    add_business_time,
    business_time_between,
    is_working_time,
    working_intervals,
)
from tests.unit.escalation.calendars.builders import (
    NEW_YORK,
    every_day,
    nights_in_new_york,
    ny,
    round_the_clock_in_new_york,
    z,
)

H = timedelta(hours=1)
SPRING, FALL = date(2025, 3, 9), date(2025, 11, 2)


def test_a_night_shift_is_three_real_hours_on_the_spring_forward_day():
    # 00:00 EST = 05:00Z to 04:00 EDT = 08:00Z
    assert working_intervals(nights_in_new_york(), SPRING) == [(z(2025, 3, 9, 5), z(2025, 3, 9, 8))]
    # Sat 03:00 EST (08:00Z) + 4 h: 1 h Saturday (03–04), 3 h Sunday (the whole shift) → 04:00 EDT = 08:00Z
    assert add_business_time(nights_in_new_york(), ny(2025, 3, 8, 3), 4 * H) == z(2025, 3, 9, 8)


def test_a_night_shift_is_five_real_hours_on_the_fall_back_day():
    # 00:00 EDT = 04:00Z to 04:00 EST = 09:00Z
    assert working_intervals(nights_in_new_york(), FALL) == [(z(2025, 11, 2, 4), z(2025, 11, 2, 9))]
    # Sat 03:00 EDT (07:00Z) + 3 h: 1 h Saturday, then 2 h from 00:00 EDT (04:00Z) → 06:00Z, the second 01:00
    # (01:00 EST): the repeated hour counts twice
    due = add_business_time(nights_in_new_york(), ny(2025, 11, 1, 3), 3 * H)
    assert due == z(2025, 11, 2, 6)
    local = due.astimezone(NEW_YORK)
    assert (local.hour, local.utcoffset()) == (1, -5 * H)


def test_a_round_the_clock_day_has_23_and_25_hours():
    calendar = round_the_clock_in_new_york()
    assert business_time_between(calendar, ny(2025, 3, 9), ny(2025, 3, 10)) == 23 * H
    assert business_time_between(calendar, ny(2025, 11, 2), ny(2025, 11, 3)) == 25 * H
    # Sat Mar 8 12:00 EST (17:00Z) + 24 business hours = 24 real hours → 17:00Z = Sun 13:00 EDT
    assert add_business_time(calendar, ny(2025, 3, 8, 12), 24 * H) == z(2025, 3, 9, 17)


def test_a_boundary_in_the_spring_forward_gap_is_the_jump():
    # 01:00–02:30: 02:30 never shows on the clock; the shift ends when the clock jumps, 03:00 EDT = 07:00Z
    early = every_day((time(1), time(2, 30)))
    assert working_intervals(early, SPRING) == [(z(2025, 3, 9, 6), z(2025, 3, 9, 7))]
    # 02:30–03:30: opens at the jump (07:00Z), closes at 03:30 EDT = 07:30Z
    late = every_day((time(2, 30), time(3, 30)))
    assert working_intervals(late, SPRING) == [(z(2025, 3, 9, 7), z(2025, 3, 9, 7, 30))]
    # 02:00–02:45 lies wholly in the gap: no working time that day
    assert working_intervals(every_day((time(2), time(2, 45))), SPRING) == []


def test_a_boundary_in_the_repeated_hour_is_its_first_occurrence():
    # 01:30–03:00: 01:30 EDT = 05:30Z (first occurrence) to 03:00 EST = 08:00Z → 2 h 30 min
    calendar = every_day((time(1, 30), time(3)))
    assert working_intervals(calendar, FALL) == [(z(2025, 11, 2, 5, 30), z(2025, 11, 2, 8))]
    assert is_working_time(calendar, ny(2025, 11, 2, 1, 15, fold=1))   # 06:15Z, the second 01:15


def test_midnight_skipped_by_a_change():
    # Santiago springs forward at 24:00 on Sat 6 Sep 2025 (UTC-4 → UTC-3): Sunday's clock starts at 01:00 = 04:00Z,
    # so Saturday, worked until 24:00, ends there too, and a round-the-clock Sunday has 23 hours.
    calendar = BusinessCalendar(timezone="America/Santiago", weekly_hours={5: ((time(20), time.max),),
                                                                          6: ((time(0), time.max),)})
    assert working_intervals(calendar, date(2025, 9, 6)) == [(z(2025, 9, 7, 0), z(2025, 9, 7, 4))]
    assert working_intervals(calendar, date(2025, 9, 7)) == [(z(2025, 9, 7, 4), z(2025, 9, 8, 3))]
