"""Weekly working hours in the agent's own time zone: {"mon": [["09:00", "17:00"]], …}. A range whose end is
not after its start runs over midnight into the next day; an empty schedule means always on duty."""

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class BadSchedule(ValueError):
    """The schedule or time zone cannot be used; the message says why."""


def _clock(value: str) -> time:
    if value == "24:00":
        return time.max
    try:
        return time.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise BadSchedule(f"{value!r} is not a time of day HH:MM") from exc


def check_schedule(schedule: dict[str, Any], timezone: str) -> None:
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise BadSchedule(f"unknown time zone {timezone!r}") from exc
    for day, ranges in schedule.items():
        if day not in DAYS:
            raise BadSchedule(f"unknown day {day!r}; use {', '.join(DAYS)}")
        for entry in ranges:
            if not isinstance(entry, list | tuple) or len(entry) != 2:
                raise BadSchedule(f"{day}: each range is [start, end], not {entry!r}")
            _clock(entry[0]), _clock(entry[1])


def on_duty(schedule: dict[str, Any], timezone: str, at: datetime) -> bool:
    if not schedule:
        return True
    local = at.astimezone(ZoneInfo(timezone))
    now, day = local.time(), DAYS[local.weekday()]
    yesterday = DAYS[(local - timedelta(days=1)).weekday()]
    for start, end in _ranges(schedule, day):
        if (start < end and start <= now < end) or (end <= start and now >= start):
            return True
    return any(end <= start and now < end for start, end in _ranges(schedule, yesterday))


def _ranges(schedule: dict[str, Any], day: str) -> list[tuple[time, time]]:
    return [(_clock(start), _clock(end)) for start, end in schedule.get(day, ())]
