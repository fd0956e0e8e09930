"""Due-time arithmetic on business calendars: add business time, measure it, test a moment. Pure.

Every function takes timezone-aware datetimes in any zone and answers in UTC; naive datetimes are refused
with CalendarError (a ValueError). Working intervals are half-open, [opening, closing): the closing instant
itself is not working time. Work goes day by day over each date's few intervals, never minute by minute.
"""

from collections.abc import Iterator
from datetime import date, datetime, timedelta

from services.escalation.calendars.domain import BusinessCalendar, CalendarError, day_hours
from services.escalation.calendars.zones import as_utc, instant_of, local_date

SEARCH_DAYS = 3653  # ten years of dates: a duration not reached by then is refused

Span = tuple[datetime, datetime]


def working_intervals(calendar: BusinessCalendar, day: date) -> list[Span]:
    """The working intervals of local date `day` as aware UTC (opening, closing) pairs, in order; an interval
    swallowed whole by a spring-forward gap is left out."""
    zone = calendar.zone
    spans = [(instant_of(day, start, zone), instant_of(day, end, zone)) for start, end in day_hours(calendar, day)]
    return [(opening, closing) for opening, closing in spans if opening < closing]


def is_working_time(calendar: BusinessCalendar, moment: datetime) -> bool:
    """Whether `moment` falls in a working interval (openings included, closings excluded)."""
    moment = as_utc(moment, name="moment")
    day = local_date(moment, calendar.zone)
    return any(opening <= moment < closing
               for earlier in (day - timedelta(days=1), day)
               for opening, closing in working_intervals(calendar, earlier))


def add_calendar_time(start: datetime, duration: timedelta) -> datetime:
    """`start` plus `duration` of real elapsed time, in UTC (whatever the wall clocks do meanwhile)."""
    return as_utc(start, name="start") + _checked(duration, allow_negative=True)


def add_business_time(calendar: BusinessCalendar, start: datetime, duration: timedelta) -> datetime:
    """The earliest instant `due` at or after `start` with business_time_between(start, due) == duration.

    So a duration that runs out exactly at a closing answers the closing (Friday 18:00, not Monday 09:00), and a
    zero duration answers `start` itself, even outside working hours. Negative durations are refused, and so is
    a duration the calendar cannot provide within ten years of `start` (e.g. a calendar with no hours).
    """
    start = as_utc(start, name="start")
    remaining = _checked(duration, allow_negative=False)
    if not remaining:
        return start
    for opening, closing in _spans_after(calendar, start):
        if remaining <= closing - opening:
            return opening + remaining
        remaining -= closing - opening
    raise CalendarError(f"{duration} of business time cannot be reached within ten years of {start.isoformat()} "
                        f"on a calendar in {calendar.timezone} with so few working hours", duration=str(duration))


def business_time_between(calendar: BusinessCalendar, start: datetime, end: datetime) -> timedelta:
    """The working time in [start, end); negative when `end` is before `start`, so that between(a, b) +
    between(b, c) == between(a, c) for any a, b, c."""
    start, end = as_utc(start, name="start"), as_utc(end, name="end")
    if end < start:
        return -business_time_between(calendar, end, start)
    total = timedelta()
    first, last = local_date(start, calendar.zone), local_date(end, calendar.zone)
    for offset in range(-1, (last - first).days + 1):
        for opening, closing in working_intervals(calendar, first + timedelta(days=offset)):
            total += max(timedelta(), min(closing, end) - max(opening, start))
    return total


def _spans_after(calendar: BusinessCalendar, start: datetime) -> Iterator[Span]:
    """The working intervals from `start` on, the first one cut at `start`, for SEARCH_DAYS dates."""
    first = local_date(start, calendar.zone) - timedelta(days=1)
    for offset in range(SEARCH_DAYS + 1):
        for opening, closing in working_intervals(calendar, first + timedelta(days=offset)):
            if closing > start:
                yield max(opening, start), closing


def _checked(duration: timedelta, *, allow_negative: bool) -> timedelta:
    if not isinstance(duration, timedelta):
        raise CalendarError(f"a duration must be a timedelta, got {type(duration).__name__}")
    if duration < timedelta() and not allow_negative:
        raise CalendarError(f"a business duration cannot be negative, got {duration}", duration=str(duration))
    return duration
