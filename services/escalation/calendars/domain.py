"""Business calendars: which wall-clock hours of which local dates count as working time. Pure: no I/O.

A calendar says, in its own time zone, which hours of each weekday are worked, which dates are closed (public
holidays of a country, custom closed dates) and which extra dates are worked (official make-up working days,
custom open dates). What a date's hours are is decided here, in this order:

1. `open_dates[day]`, if present: exactly those hours (a custom decision beats everything else);
2. `closed_dates`: closed;
3. a public holiday of `country`/`subdivision` in the `holidays` library: closed;
4. an official make-up working day (调休 in China): the calendar's own hours for that weekday if it has any,
   otherwise the hours of a standard working day (see `standard_day_hours`);
5. otherwise `weekly_hours[day.weekday()]` (0 = Monday … 6 = Sunday; a missing weekday is closed).

Hours are wall-clock intervals `(start, end)` with `start < end` inside one day; the end of the day ("24:00")
is written `END_OF_DAY`, which is `time.max` and means the following midnight exactly, not a microsecond
before it. Intervals of one day must not overlap; they may touch (`13:00–18:00` and `18:00–24:00`).

What the `holidays` library (0.109) provides, and how it is used:
- `holidays.country_holidays(code, subdiv=...)` is a date -> name mapping of public holidays (category
  "public", the default; observed days are included, e.g. a US holiday on a Saturday is observed on the
  Friday). Years are filled in lazily on first lookup. Unknown countries and subdivisions raise
  NotImplementedError, turned into CalendarError here.
- China has no "workday" category (only "public" and "half_day"). Its 调休 make-up working days are exposed
  as `weekend_workdays`, a set of dates filled in per year as that year is looked up (e.g. Sun 2025-09-28 and
  Sat 2025-10-11 for National Day 2025); the days given in exchange are ordinary holidays named
  "Day off (substituted from …)" (2025-10-07 and 2025-10-08). `is_working_day(date)` combines the two with the
  library's own Saturday/Sunday weekend, but not with a calendar's hours, so it is not used directly.
  Saturdays and Sundays inside a break (Sat 2025-10-04) are not listed as holidays, so a calendar that works
  weekends works them unless they are among its `closed_dates`. The
  official arrangements are known for 2001–2026; later years get the fixed holidays and the library's
  weekday-observance estimate, with no make-up days until the library is updated.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache
from itertools import pairwise
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from shared.errors import InvalidInput

END_OF_DAY = time.max
WEEKDAYS = range(7)

Interval = tuple[time, time]
Hours = tuple[Interval, ...]


class CalendarError(InvalidInput, ValueError):
    """A calendar or a calendar computation that cannot work; a ValueError, and a 422 at the HTTP edge."""


@dataclass(frozen=True)
class BusinessCalendar:
    """Working hours in one time zone; validated and made immutable on construction (see the module docstring
    for how a date's hours are chosen). Hours are (start, end) pairs of naive wall-clock times with start < end;
    the end of the day (24:00) is END_OF_DAY, i.e. time.max, read as the next midnight exactly."""

    timezone: str
    weekly_hours: Mapping[int, Hours]
    country: str | None = None
    subdivision: str | None = None
    closed_dates: frozenset[date] = frozenset()
    open_dates: Mapping[date, Hours] = field(default_factory=dict)

    def __post_init__(self) -> None:
        zone_of(self.timezone)
        if self.subdivision is not None and self.country is None:
            raise CalendarError("a subdivision needs a country", subdivision=self.subdivision)
        if self.country is not None:
            public_holidays(self.country, self.subdivision)
        weekly = {}
        for weekday, hours in self.weekly_hours.items():
            if weekday not in WEEKDAYS:
                raise CalendarError(f"weekday {weekday!r} is not 0 (Monday) … 6 (Sunday)", weekday=str(weekday))
            if hours:  # a weekday without hours is the same as a missing one: closed
                weekly[weekday] = checked_hours(hours, where=f"weekday {weekday}")
        closed = frozenset(checked_date(day) for day in self.closed_dates)
        opened = {checked_date(day): checked_hours(hours, where=day.isoformat())
                  for day, hours in self.open_dates.items()}
        both = sorted(closed & opened.keys())
        if both:
            raise CalendarError(f"{both[0].isoformat()} is both a closed and an open date", date=both[0].isoformat())
        object.__setattr__(self, "weekly_hours", MappingProxyType(weekly))
        object.__setattr__(self, "open_dates", MappingProxyType(opened))
        object.__setattr__(self, "closed_dates", closed)

    def __hash__(self) -> int:
        return hash((self.timezone, tuple(sorted(self.weekly_hours.items())), self.country, self.subdivision,
                     self.closed_dates, tuple(sorted(self.open_dates.items()))))

    @property
    def zone(self) -> ZoneInfo:
        return zone_of(self.timezone)


def checked_hours(hours: Hours, *, where: str) -> Hours:
    """The intervals sorted by start; refuses start >= end, values that are not times, and overlaps."""
    intervals = [tuple(interval) for interval in hours]
    for interval in intervals:
        if len(interval) != 2 or not all(isinstance(t, time) and t.tzinfo is None for t in interval):
            raise CalendarError(f"{where}: an interval must be two naive times, got {interval!r}", where=where)
        start, end = interval
        if start >= end:
            raise CalendarError(f"{where}: interval {start}–{end} must start before it ends "
                                "(write the end of the day as 24:00)", where=where)
    intervals.sort()
    for (_, end), (start, _) in pairwise(intervals):
        if start < end:
            raise CalendarError(f"{where}: intervals overlap at {start}–{end}", where=where)
    return tuple(intervals)


def checked_date(day: date) -> date:
    if not isinstance(day, date) or isinstance(day, datetime):
        raise CalendarError(f"closed and open dates must be dates, got {day!r}", date=str(day))
    return day


def zone_of(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as error:
        raise CalendarError(f"unknown time zone {name!r}: use an IANA name such as 'Asia/Shanghai'",
                            timezone=str(name)) from error


@lru_cache(maxsize=64)
def public_holidays(country: str, subdivision: str | None) -> holidays.HolidayBase:
    """The library's holidays of a country (cached: it fills in years lazily as they are looked up)."""
    try:
        return holidays.country_holidays(country, subdiv=subdivision)
    except NotImplementedError as error:
        raise CalendarError(f"unknown country {country!r} or subdivision {subdivision!r} for public holidays "
                            "(use an ISO 3166 code such as 'CN', 'US', 'DE')", country=country) from error


def day_hours(calendar: BusinessCalendar, day: date) -> Hours:
    """The wall-clock working intervals of one local date, by the rules in the module docstring."""
    if day in calendar.open_dates:
        return calendar.open_dates[day]
    if day in calendar.closed_dates:
        return ()
    if calendar.country is not None:
        official = public_holidays(calendar.country, calendar.subdivision)
        if day in official:
            return ()
        if day in official.weekend_workdays:
            return calendar.weekly_hours.get(day.weekday()) or standard_day_hours(calendar)
    return calendar.weekly_hours.get(day.weekday(), ())


def standard_day_hours(calendar: BusinessCalendar) -> Hours:
    """The hours a make-up working day is worked: those of the first weekday, Monday first, that has hours and
    is not a weekend day for the holiday library (Monday's, for the usual Monday–Friday calendar)."""
    weekend = public_holidays(calendar.country, calendar.subdivision).weekend if calendar.country else set()
    for weekday in WEEKDAYS:
        if weekday not in weekend and calendar.weekly_hours.get(weekday):
            return calendar.weekly_hours[weekday]
    return ()
