"""Calendars as JSON-ready dicts, for storing them and for the HTTP edge:

    {"timezone": "Asia/Shanghai",
     "weekly_hours": {"mon": [["09:00", "12:00"], ["13:00", "18:00"]], ...},   # missing days are closed
     "country": "CN", "subdivision": null,                                    # optional
     "closed_dates": ["2025-12-31"],                                          # optional
     "open_dates": {"2025-12-27": [["09:00", "12:00"]]}}                      # optional

Times are "HH:MM" or "HH:MM:SS" and "24:00" is the end of the day. parse_calendar refuses anything else with
CalendarError (a ValueError), naming the offending field.
"""

import re
from collections.abc import Mapping
from datetime import date, time
from typing import Any

from services.escalation.calendars.domain import END_OF_DAY, BusinessCalendar, CalendarError, Hours

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_KEYS = {"timezone", "weekly_hours", "country", "subdivision", "closed_dates", "open_dates"}
_TIME = re.compile(r"\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?")


def parse_calendar(data: Mapping[str, Any]) -> BusinessCalendar:
    if not isinstance(data, Mapping):
        raise CalendarError(f"a calendar must be an object, got {type(data).__name__}")
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise CalendarError(f"unknown calendar fields {unknown}; expected some of {sorted(_KEYS)}")
    for key in ("timezone", "weekly_hours"):
        if key not in data:
            raise CalendarError(f"a calendar needs {key!r}", field=key)
    return BusinessCalendar(
        timezone=_text(data["timezone"], "timezone"),
        weekly_hours=_weekly(data["weekly_hours"]),
        country=_optional_text(data.get("country"), "country"),
        subdivision=_optional_text(data.get("subdivision"), "subdivision"),
        closed_dates=frozenset(_date(value, "closed_dates") for value in _list(data.get("closed_dates", []),
                                                                                "closed_dates")),
        open_dates={_date(day, "open_dates"): _hours(hours, f"open_dates.{day}")
                    for day, hours in _mapping(data.get("open_dates", {}), "open_dates").items()},
    )


def calendar_to_dict(calendar: BusinessCalendar) -> dict[str, Any]:
    """The inverse of parse_calendar: parse_calendar(calendar_to_dict(c)) == c."""
    return {
        "timezone": calendar.timezone,
        "weekly_hours": {DAY_NAMES[weekday]: _hours_out(calendar.weekly_hours[weekday])
                         for weekday in sorted(calendar.weekly_hours)},
        "country": calendar.country,
        "subdivision": calendar.subdivision,
        "closed_dates": [day.isoformat() for day in sorted(calendar.closed_dates)],
        "open_dates": {day.isoformat(): _hours_out(calendar.open_dates[day]) for day in sorted(calendar.open_dates)},
    }


def _weekly(value: Any) -> dict[int, Hours]:
    weekly = {}
    for name, hours in _mapping(value, "weekly_hours").items():
        key = str(name).lower()
        if key not in DAY_NAMES:
            raise CalendarError(f"unknown weekday {name!r} in weekly_hours; use {', '.join(DAY_NAMES)}",
                                field="weekly_hours")
        if DAY_NAMES.index(key) in weekly:
            raise CalendarError(f"weekday {key!r} appears twice in weekly_hours", field="weekly_hours")
        weekly[DAY_NAMES.index(key)] = _hours(hours, f"weekly_hours.{key}")
    return weekly


def _hours(value: Any, where: str) -> Hours:
    intervals = []
    for index, pair in enumerate(_list(value, where)):
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise CalendarError(f"{where}[{index}] must be a [start, end] pair, got {pair!r}", field=where)
        intervals.append((_time(pair[0], f"{where}[{index}]"), _time(pair[1], f"{where}[{index}]")))
    return tuple(intervals)


def _time(value: Any, where: str) -> time:
    if value == "24:00":
        return END_OF_DAY
    if not isinstance(value, str) or not _TIME.fullmatch(value):
        raise CalendarError(f"{where}: {value!r} is not a time like '09:00' or '24:00'", field=where)
    try:
        return time.fromisoformat(value)
    except ValueError as error:
        raise CalendarError(f"{where}: {value!r} is not a valid time", field=where) from error


def _hours_out(hours: Hours) -> list[list[str]]:
    return [[_time_out(start), _time_out(end)] for start, end in hours]


def _time_out(value: time) -> str:
    if value == END_OF_DAY:
        return "24:00"
    return value.isoformat(timespec="minutes" if not (value.second or value.microsecond) else "auto")


def _date(value: Any, where: str) -> date:
    try:
        if not isinstance(value, str):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError as error:
        raise CalendarError(f"{where}: {value!r} is not an ISO date like '2025-10-01'", field=where) from error


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise CalendarError(f"{where} must be a non-empty string, got {value!r}", field=where)
    return value


def _optional_text(value: Any, where: str) -> str | None:
    return None if value is None else _text(value, where)


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list | tuple):
        raise CalendarError(f"{where} must be a list, got {type(value).__name__}", field=where)
    return list(value)


def _mapping(value: Any, where: str) -> Mapping[Any, Any]:
    if not isinstance(value, Mapping):
        raise CalendarError(f"{where} must be an object, got {type(value).__name__}", field=where)
    return value
