"""Due-time arithmetic with every figure worked out by hand. Shanghai is UTC+8 all year (no DST); New York is
UTC-5 (EST) in winter and UTC-4 (EDT) in summer."""

from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.escalation.calendars import (
    BusinessCalendar,
    add_business_time,
    add_calendar_time,
    business_time_between,
    is_working_time,
)
from tests.unit.escalation.calendars.builders import CN, US, a_calendar, ny, sh, z

H = timedelta(hours=1)


def test_weekend_is_skipped():
    # Fri 16:00 + 4 h: 2 h Friday (16–18), Monday 09:00–11:00 → Mon 11:00 Shanghai = 03:00Z
    assert add_business_time(CN, sh(2025, 9, 19, 16), 4 * H) == z(2025, 9, 22, 3)


def test_lunch_break_is_skipped():
    # Mon 11:00 + 2 h: 1 h (11–12), lunch, 13:00–14:00 → Mon 14:00 Shanghai = 06:00Z
    assert add_business_time(CN, sh(2025, 9, 22, 11), 2 * H) == z(2025, 9, 22, 6)


def test_start_during_lunch_waits_for_the_afternoon():
    # Mon 12:30 (lunch) + 30 min: 13:00–13:30 → 13:30 Shanghai = 05:30Z
    assert add_business_time(CN, sh(2025, 9, 22, 12, 30), timedelta(minutes=30)) == z(2025, 9, 22, 5, 30)


def test_start_outside_working_hours():
    # Sat 10:00 + 1 h: nothing at the weekend, Mon 09:00–10:00 → Mon 10:00 Shanghai = 02:00Z
    assert add_business_time(CN, sh(2025, 9, 20, 10), H) == z(2025, 9, 22, 2)
    # Tue 07:00 + 1 h: opens at 09:00, 09:00–10:00 → 10:00 Shanghai = 02:00Z
    assert add_business_time(CN, sh(2025, 9, 23, 7), H) == z(2025, 9, 23, 2)


def test_start_in_any_zone_answers_in_utc():
    # Fri 10:00 Berlin (CEST, UTC+2) = 08:00Z = Fri 16:00 Shanghai; + 4 h as in the weekend case → 03:00Z Monday
    due = add_business_time(CN, sh(2025, 9, 19, 16).astimezone(ZoneInfo("Europe/Berlin")), 4 * H)
    assert due == z(2025, 9, 22, 3)
    assert due.utcoffset() == timedelta(0)


def test_duration_ending_at_a_closing_answers_the_closing():
    # Fri 16:00 + 2 h: exactly 16–18 → Fri 18:00 Shanghai = 10:00Z, not Monday 09:00
    assert add_business_time(CN, sh(2025, 9, 19, 16), 2 * H) == z(2025, 9, 19, 10)


def test_zero_duration_answers_the_start_itself():
    # Sat 10:00 Shanghai = 02:00Z; nothing to add, even outside working hours
    assert add_business_time(CN, sh(2025, 9, 20, 10), timedelta(0)) == z(2025, 9, 20, 2)


def test_national_day_week_and_its_make_up_working_days():
    # Tue Sep 30 17:00 + 2 h: 1 h (17–18); Oct 1–3 and 6–8 holidays, Oct 4–5 weekend; Thu Oct 9 09:00–10:00
    # → Oct 9 10:00 Shanghai = 02:00Z
    assert add_business_time(CN, sh(2025, 9, 30, 17), 2 * H) == z(2025, 10, 9, 2)
    # Fri Sep 26 16:00 + 4 h: 2 h Friday (16–18), Sat Sep 27 off, Sun Sep 28 is a make-up working day:
    # 09:00–11:00 → Sun 11:00 Shanghai = 03:00Z
    assert add_business_time(CN, sh(2025, 9, 26, 16), 4 * H) == z(2025, 9, 28, 3)
    # Fri Oct 10 17:00 + 8 h: 1 h Friday, Sat Oct 11 is a make-up working day: 3 h (09–12) + 4 h (13–17)
    # → Sat 17:00 Shanghai = 09:00Z
    assert add_business_time(CN, sh(2025, 10, 10, 17), 8 * H) == z(2025, 10, 11, 9)


def test_national_day_fortnight_measured():
    # Fri Sep 26 09:00 → Mon Oct 13 09:00: working days Sep 26, 28 (make-up), 29, 30, Oct 9, 10, 11 (make-up)
    # = 7 days × 8 h = 56 h
    assert business_time_between(CN, sh(2025, 9, 26, 9), sh(2025, 10, 13, 9)) == 56 * H


def test_us_holidays():
    # Wed Nov 26 15:00 EST + 4 h: 2 h (15–17), Thu Nov 27 Thanksgiving, Fri 09:00–11:00 EST → 16:00Z
    assert add_business_time(US, ny(2025, 11, 26, 15), 4 * H) == z(2025, 11, 28, 16)
    # Thu Jul 3 16:00 EDT + 2 h: 1 h (16–17), Fri Jul 4 Independence Day, weekend, Mon 09:00–10:00 EDT → 14:00Z
    assert add_business_time(US, ny(2025, 7, 3, 16), 2 * H) == z(2025, 7, 7, 14)


def test_us_office_hours_across_spring_forward():
    # Fri Mar 7 16:00 EST + 2 h: 1 h (16–17), Mon Mar 10 (now EDT) 09:00–10:00 → 10:00 EDT = 14:00Z
    assert add_business_time(US, ny(2025, 3, 7, 16), 2 * H) == z(2025, 3, 10, 14)


def test_custom_closed_and_open_dates():
    calendar = a_calendar(closed_dates=frozenset({date(2025, 12, 31)}),
                          open_dates={date(2025, 12, 27): ((time(10), time(12)),)})
    # Fri Dec 26 17:00 + 3 h: 1 h Friday (17–18), Sat Dec 27 opened 10:00–12:00 → Sat 12:00 Shanghai = 04:00Z
    assert add_business_time(calendar, sh(2025, 12, 26, 17), 3 * H) == z(2025, 12, 27, 4)
    # Tue Dec 30 17:00 + 2 h: 1 h Tuesday; Wed Dec 31 closed; Thu Jan 1 New Year; Fri Jan 2 day off in exchange
    # for Sun Jan 4; Sat Jan 3 weekend; Sun Jan 4 make-up working day 09:00–10:00 → 10:00 Shanghai = 02:00Z
    assert add_business_time(calendar, sh(2025, 12, 30, 17), 2 * H) == z(2026, 1, 4, 2)


def test_an_open_date_beats_a_public_holiday():
    calendar = a_calendar(open_dates={date(2025, 10, 1): ((time(9), time(12)),)})
    # Tue Sep 30 17:00 + 2 h: 1 h Tuesday, Wed Oct 1 opened 09:00–10:00 → 10:00 Shanghai = 02:00Z
    assert add_business_time(calendar, sh(2025, 9, 30, 17), 2 * H) == z(2025, 10, 1, 2)


def test_two_thousand_business_hours():
    office = BusinessCalendar(timezone="UTC", weekly_hours={day: ((time(9), time(17)),) for day in range(5)})
    # Mon Jan 6 09:00 + 2,000 h = 250 days of 8 h = 50 whole weeks: ends on the 50th Friday at 17:00;
    # the 50th Monday is Jan 6 + 49 weeks = Dec 15 → Fri Dec 19 17:00Z
    assert add_business_time(office, z(2025, 1, 6, 9), 2000 * H) == z(2025, 12, 19, 17)


def test_between_across_weeks_and_as_inverse():
    # Mon Nov 3 09:00 → Mon Nov 17 09:00: two weeks of 5 days × 8 h = 80 h (no holidays in November)
    assert business_time_between(CN, sh(2025, 11, 3, 9), sh(2025, 11, 17, 9)) == 80 * H
    # and back: 80 h from Mon Nov 3 09:00 end at the last closing, Fri Nov 14 18:00 Shanghai = 10:00Z
    assert add_business_time(CN, sh(2025, 11, 3, 9), 80 * H) == z(2025, 11, 14, 10)
    # measured backwards the answer is negative
    assert business_time_between(CN, sh(2025, 11, 17, 9), sh(2025, 11, 3, 9)) == -80 * H


def test_pauses_compose_by_summing_running_spans():
    # A 16 h clock started Mon Nov 3 10:00, paused Mon 15:00 → Wed 11:00 (awaiting the customer), now Thu 10:00.
    running = [(sh(2025, 11, 3, 10), sh(2025, 11, 3, 15)), (sh(2025, 11, 5, 11), sh(2025, 11, 6, 10))]
    elapsed = sum((business_time_between(CN, start, end) for start, end in running), timedelta())
    # Mon 10–12 + 13–15 = 4 h; Wed 11–12 + 13–18 + Thu 09–10 = 7 h → 11 h
    assert elapsed == 11 * H
    # without the pause: Mon 7 h + Tue 8 h + Wed 8 h + Thu 1 h = 24 h
    assert business_time_between(CN, sh(2025, 11, 3, 10), sh(2025, 11, 6, 10)) == 24 * H
    # 5 h remain from Thu 10:00: 10–12 + 13–16 → Thu 16:00 Shanghai = 08:00Z
    assert add_business_time(CN, sh(2025, 11, 6, 10), 16 * H - elapsed) == z(2025, 11, 6, 8)


def test_is_working_time():
    assert is_working_time(CN, sh(2025, 9, 22, 9))            # opening included
    assert not is_working_time(CN, sh(2025, 9, 22, 12))       # closing excluded: lunch
    assert not is_working_time(CN, sh(2025, 9, 22, 18))
    assert not is_working_time(CN, sh(2025, 10, 2, 10))       # National Day
    assert is_working_time(CN, sh(2025, 9, 28, 10))           # make-up Sunday
    assert not is_working_time(US, ny(2025, 11, 27, 10))      # Thanksgiving


def test_calendar_time_is_real_elapsed_time():
    # Sat Mar 8 12:00 EST (17:00Z) + 24 h of real time → 17:00Z, which is 13:00 EDT on Sunday, not 12:00
    due = add_calendar_time(ny(2025, 3, 8, 12), 24 * H)
    assert due == z(2025, 3, 9, 17)
    assert due.utcoffset() == timedelta(0)


def test_naive_datetimes_are_refused():
    naive = sh(2025, 9, 22, 9).replace(tzinfo=None)
    with pytest.raises(ValueError, match="timezone-aware"):
        add_business_time(CN, naive, H)
    with pytest.raises(ValueError, match="end must be a timezone-aware"):
        business_time_between(CN, sh(2025, 9, 22, 9), naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        add_calendar_time(naive, H)
    with pytest.raises(ValueError, match="timezone-aware"):
        is_working_time(CN, naive)


def test_negative_business_durations_are_refused():
    with pytest.raises(ValueError, match="cannot be negative"):
        add_business_time(CN, sh(2025, 9, 22, 9), -H)


def test_unreachable_durations_are_refused():
    closed_for_good = BusinessCalendar(timezone="UTC", weekly_hours={})
    with pytest.raises(ValueError, match="cannot be reached within ten years"):
        add_business_time(closed_for_good, z(2025, 1, 1), H)
    one_hour_ever = BusinessCalendar(timezone="UTC", weekly_hours={},
                                     open_dates={date(2025, 1, 2): ((time(9), time(10)),)})
    assert add_business_time(one_hour_ever, z(2025, 1, 1), H) == z(2025, 1, 2, 10)
    with pytest.raises(ValueError, match="cannot be reached"):
        add_business_time(one_hour_ever, z(2025, 1, 1), 2 * H)
