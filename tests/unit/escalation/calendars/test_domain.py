"""Which hours a date has, what the holiday library says, and which calendars are refused."""

from datetime import date, datetime, time

import holidays
import pytest

from services.escalation.calendars import BusinessCalendar, CalendarError, working_intervals
from services.escalation.calendars.domain import day_hours
from tests.unit.escalation.calendars.builders import CN, US, a_calendar, z

MORNING, AFTERNOON = (time(9), time(12)), (time(13), time(18))


def test_the_library_knows_national_day_2025_and_its_make_up_days():
    official = holidays.country_holidays("CN", years=2025)
    assert {date(2025, 10, day) for day in (1, 2, 3, 6, 7, 8)} <= set(official)
    assert {date(2025, 9, 28), date(2025, 10, 11)} <= official.weekend_workdays
    assert date(2025, 10, 4) not in official.weekend_workdays


def test_hours_of_a_date_follow_the_rules_in_order():
    calendar = a_calendar(closed_dates=frozenset({date(2025, 9, 29)}),
                          open_dates={date(2025, 10, 2): ((time(10), time(11)),)})
    assert day_hours(calendar, date(2025, 9, 26)) == (MORNING, AFTERNOON)   # an ordinary Friday
    assert day_hours(calendar, date(2025, 9, 27)) == ()                     # Saturday
    assert day_hours(calendar, date(2025, 9, 28)) == (MORNING, AFTERNOON)   # make-up Sunday: Monday's hours
    assert day_hours(calendar, date(2025, 9, 29)) == ()                     # custom closed date
    assert day_hours(calendar, date(2025, 10, 1)) == ()                     # public holiday
    assert day_hours(calendar, date(2025, 10, 2)) == ((time(10), time(11)),)  # custom open date wins


def test_make_up_days_keep_the_calendars_own_hours_for_that_weekday():
    saturdays_short = a_calendar(weekly_hours={**CN.weekly_hours, 5: ((time(10), time(14)),)})
    assert day_hours(saturdays_short, date(2025, 10, 11)) == ((time(10), time(14)),)
    # the library lists only the weekdays of a break as holidays: Sat Oct 4, inside the National Day break, is an
    # ordinary Saturday to it, so a calendar that works Saturdays works it unless told otherwise
    assert day_hours(saturdays_short, date(2025, 10, 4)) == ((time(10), time(14)),)
    assert day_hours(a_calendar(saturdays_short, closed_dates=frozenset({date(2025, 10, 4)})), date(2025, 10, 4)) == ()


def test_no_country_means_no_holidays():
    plain = a_calendar(country=None)
    assert day_hours(plain, date(2025, 10, 1)) == (MORNING, AFTERNOON)
    assert day_hours(plain, date(2025, 9, 28)) == ()


def test_working_intervals_are_utc_and_ordered():
    # Shanghai 09–12 and 13–18 = 01–04Z and 05–10Z
    assert working_intervals(CN, date(2025, 9, 22)) == [(z(2025, 9, 22, 1), z(2025, 9, 22, 4)),
                                                        (z(2025, 9, 22, 5), z(2025, 9, 22, 10))]
    assert working_intervals(US, date(2025, 11, 27)) == []


def test_subdivision_holidays():
    # Berlin keeps International Women's Day (8 March; a Monday in 2027); Bavaria does not
    berlin = BusinessCalendar("Europe/Berlin", {0: ((time(9), time(17)),)}, country="DE", subdivision="BE")
    bavaria = BusinessCalendar("Europe/Berlin", {0: ((time(9), time(17)),)}, country="DE", subdivision="BY")
    assert working_intervals(berlin, date(2027, 3, 8)) == []
    assert working_intervals(bavaria, date(2027, 3, 8)) == [(z(2027, 3, 8, 8), z(2027, 3, 8, 16))]


def test_calendars_are_immutable_and_hashable():
    weekly = {0: (MORNING,)}
    calendar = BusinessCalendar("UTC", weekly)
    weekly[1] = (MORNING,)
    assert 1 not in calendar.weekly_hours
    with pytest.raises(TypeError):
        calendar.weekly_hours[2] = (MORNING,)
    assert hash(calendar) == hash(BusinessCalendar("UTC", {0: (MORNING,)}))
    assert calendar == BusinessCalendar("UTC", {0: (MORNING,)})


def test_intervals_are_kept_in_order():
    calendar = BusinessCalendar("UTC", {0: (AFTERNOON, MORNING)})
    assert calendar.weekly_hours[0] == (MORNING, AFTERNOON)


@pytest.mark.parametrize(("changes", "message"), [
    ({"timezone": "Mars/Olympus_Mons"}, "unknown time zone"),
    ({"weekly_hours": {7: (MORNING,)}}, "weekday 7"),
    ({"weekly_hours": {0: ((time(12), time(9)),)}}, "must start before it ends"),
    ({"weekly_hours": {0: ((time(9), time(9)),)}}, "must start before it ends"),
    ({"weekly_hours": {0: (MORNING, (time(11), time(14)))}}, "overlap"),
    ({"weekly_hours": {0: (("09:00", "12:00"),)}}, "two naive times"),
    ({"country": "XX"}, "unknown country 'XX'"),
    ({"subdivision": "ZZ"}, "subdivision 'ZZ'"),
    ({"country": None, "subdivision": "BE"}, "needs a country"),
    ({"closed_dates": frozenset({datetime(2025, 1, 1)})}, "must be dates"),
    ({"closed_dates": frozenset({date(2025, 1, 1)}), "open_dates": {date(2025, 1, 1): (MORNING,)}},
     "both a closed and an open date"),
])
def test_impossible_calendars_are_refused(changes, message):
    with pytest.raises(CalendarError, match=message) as refused:
        a_calendar(**changes)
    assert isinstance(refused.value, ValueError)
