"""Properties of the arithmetic on random calendars, in zones with DST changes (one at midnight, one of 30
minutes), with public holidays and custom dates, and starts drawn near the changes."""

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.escalation.calendars import (
    DEFAULT_CALENDARS,
    END_OF_DAY,
    BusinessCalendar,
    add_business_time,
    business_time_between,
    calendar_to_dict,
    parse_calendar,
    working_intervals,
)
from services.escalation.calendars.zones import local_date

ZONES = ["UTC", "America/New_York", "Asia/Shanghai", "Europe/Berlin", "Australia/Lord_Howe", "America/Santiago"]
CHANGES = [datetime(2025, 3, 9, 7, tzinfo=UTC), datetime(2025, 11, 2, 6, tzinfo=UTC),    # New York
           datetime(2025, 3, 30, 1, tzinfo=UTC), datetime(2025, 10, 26, 1, tzinfo=UTC),  # Berlin
           datetime(2025, 4, 5, 15, tzinfo=UTC), datetime(2025, 10, 4, 15, 30, tzinfo=UTC),  # Lord Howe
           datetime(2025, 4, 6, 3, tzinfo=UTC), datetime(2025, 9, 7, 4, tzinfo=UTC),  # Santiago
           datetime(2025, 9, 30, tzinfo=UTC)]                                         # China's National Day
QUARTER_HOURS = [time(hour, minute) for hour in range(24) for minute in (0, 15, 30, 45)] + [END_OF_DAY]
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def day_hours(draw):
    points = sorted(draw(st.sets(st.sampled_from(QUARTER_HOURS), max_size=6)))
    return tuple(zip(points[::2], points[1::2], strict=False))


@st.composite
def calendars(draw):
    weekly = draw(st.dictionaries(st.integers(0, 6), day_hours(), max_size=7))
    weekly[draw(st.integers(0, 6))] = ((time(9), time(17)),)   # at least a few hours a week
    days = st.dates(date(2025, 1, 1), date(2026, 12, 31))
    country = draw(st.sampled_from([None, "US", "CN"]))
    opened = draw(st.dictionaries(days, day_hours(), max_size=3))
    return BusinessCalendar(
        timezone=draw(st.sampled_from(ZONES)), weekly_hours=weekly, country=country,
        closed_dates=draw(st.frozensets(days, max_size=3)) - opened.keys(), open_dates=opened)


any_calendar = st.one_of(st.sampled_from(list(DEFAULT_CALENDARS.values())), calendars())
moments = st.one_of(
    st.datetimes(datetime(2025, 1, 1), datetime(2026, 6, 30), timezones=st.just(UTC)),
    st.builds(lambda change, minutes: change + timedelta(minutes=minutes),
              st.sampled_from(CHANGES), st.integers(-3 * 24 * 60, 3 * 24 * 60)),
)
durations = st.integers(0, 80 * 3600).map(lambda seconds: timedelta(seconds=seconds))


@PROPERTY_SETTINGS
@given(any_calendar, moments, durations)
def test_measuring_what_was_added_gives_back_the_duration(calendar, start, duration):
    assert business_time_between(calendar, start, add_business_time(calendar, start, duration)) == duration


@PROPERTY_SETTINGS
@given(any_calendar, moments, durations, durations)
def test_adding_is_monotonic_in_the_duration(calendar, start, one, other):
    shorter, longer = sorted((one, other))
    assert add_business_time(calendar, start, shorter) <= add_business_time(calendar, start, longer)


@PROPERTY_SETTINGS
@given(any_calendar, moments, durations.filter(bool))
def test_a_due_time_lies_in_a_working_interval(calendar, start, duration):
    due = add_business_time(calendar, start, duration)
    day = local_date(due, calendar.zone)
    spans = working_intervals(calendar, day - timedelta(days=1)) + working_intervals(calendar, day)
    assert any(opening < due <= closing for opening, closing in spans)
    assert due > start


@PROPERTY_SETTINGS
@given(any_calendar, moments, moments, moments)
def test_measurements_add_up(calendar, a, b, c):
    a, b, c = sorted((a, b, c))
    between = business_time_between
    assert between(calendar, a, b) + between(calendar, b, c) == between(calendar, a, c)
    assert between(calendar, c, a) == -between(calendar, a, c)
    assert timedelta() <= between(calendar, a, c) <= c - a


@PROPERTY_SETTINGS
@given(any_calendar, st.dates(date(2025, 1, 1), date(2026, 6, 30)))
def test_working_intervals_are_ordered_and_do_not_overlap_across_days(calendar, day):
    spans = working_intervals(calendar, day) + working_intervals(calendar, day + timedelta(days=1))
    assert all(opening < closing for opening, closing in spans)
    assert all(earlier[1] <= later[0] for earlier, later in pairwise(spans))


@PROPERTY_SETTINGS
@given(calendars())
def test_stored_calendars_read_back_the_same(calendar):
    assert parse_calendar(calendar_to_dict(calendar)) == calendar
