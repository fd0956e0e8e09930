"""Calendars to and from JSON-ready dicts."""

import json
from datetime import date, time

import pytest

from services.escalation.calendars import (
    DEFAULT_CALENDARS,
    END_OF_DAY,
    BusinessCalendar,
    CalendarError,
    calendar_to_dict,
    parse_calendar,
)

STORED = {
    "timezone": "Asia/Shanghai",
    "weekly_hours": {"mon": [["09:00", "12:00"], ["13:00", "18:00"]], "sat": [["18:00", "24:00"]]},
    "country": "CN",
    "closed_dates": ["2025-12-31"],
    "open_dates": {"2025-12-27": [["10:00", "12:00:30"]]},
}


def test_parsing():
    assert parse_calendar(STORED) == BusinessCalendar(
        timezone="Asia/Shanghai",
        weekly_hours={0: ((time(9), time(12)), (time(13), time(18))), 5: ((time(18), END_OF_DAY),)},
        country="CN",
        closed_dates=frozenset({date(2025, 12, 31)}),
        open_dates={date(2025, 12, 27): ((time(10), time(12, 0, 30)),)},
    )


def test_round_trip_through_json():
    calendar = parse_calendar(STORED)
    stored = json.loads(json.dumps(calendar_to_dict(calendar)))
    assert stored["weekly_hours"]["sat"] == [["18:00", "24:00"]]
    assert stored["open_dates"] == {"2025-12-27": [["10:00", "12:00:30"]]}
    assert parse_calendar(stored) == calendar


@pytest.mark.parametrize("name", sorted(DEFAULT_CALENDARS))
def test_default_calendars_round_trip(name):
    assert parse_calendar(calendar_to_dict(DEFAULT_CALENDARS[name])) == DEFAULT_CALENDARS[name]


def test_weekday_names_ignore_case():
    assert parse_calendar({"timezone": "UTC", "weekly_hours": {"Fri": [["09:00", "10:00"]]}}).weekly_hours == {
        4: ((time(9), time(10)),)}


@pytest.mark.parametrize(("changes", "message"), [
    ({"weekly_hours": {"mon": [["09:00", "12:00"], ["11:00", "14:00"]]}}, "weekday 0: intervals overlap"),
    ({"weekly_hours": {"mon": [["12:00", "09:00"]]}}, "must start before it ends"),
    ({"weekly_hours": {"mon": [["24:00", "24:00"]]}}, "must start before it ends"),
    ({"weekly_hours": {"monday": [["09:00", "12:00"]]}}, "unknown weekday 'monday'"),
    ({"weekly_hours": {"mon": [["9am", "12:00"]]}}, r"weekly_hours.mon\[0\]: '9am' is not a time"),
    ({"weekly_hours": {"mon": [["25:00", "26:00"]]}}, "'25:00' is not a valid time"),
    ({"weekly_hours": {"mon": [["09:00"]]}}, r"must be a \[start, end\] pair"),
    ({"weekly_hours": {"mon": "09:00-12:00"}}, "must be a list"),
    ({"weekly_hours": {"mon": [], "MON": []}}, "appears twice"),
    ({"country": "XX"}, "unknown country 'XX'"),
    ({"timezone": "Asia/Peking"}, "unknown time zone"),
    ({"timezone": 8}, "timezone must be a non-empty string"),
    ({"closed_dates": ["31/12/2025"]}, "not an ISO date"),
    ({"closed_dates": "2025-12-31"}, "closed_dates must be a list"),
    ({"open_dates": {"2025-12-27": [["09:00", "12:00"], ["10:00", "11:00"]]}}, "2025-12-27: intervals overlap"),
    ({"open_dates": {"2025-12-31": [["09:00", "12:00"]]}}, "both a closed and an open date"),
    ({"holidays": "CN"}, r"unknown calendar fields \['holidays'\]"),
])
def test_bad_calendars_are_refused_with_a_clear_message(changes, message):
    with pytest.raises(ValueError, match=message):
        parse_calendar({**STORED, **changes})


def test_required_fields():
    with pytest.raises(CalendarError, match="needs 'timezone'"):
        parse_calendar({"weekly_hours": {}})
    with pytest.raises(CalendarError, match="needs 'weekly_hours'"):
        parse_calendar({"timezone": "UTC"})
    with pytest.raises(CalendarError, match="must be an object"):
        parse_calendar([])
