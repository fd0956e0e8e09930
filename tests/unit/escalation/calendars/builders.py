"""Small calendar builders for the calendar tests."""

from dataclasses import replace
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from services.escalation.calendars import DEFAULT_CALENDARS, END_OF_DAY, BusinessCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
CN = DEFAULT_CALENDARS["cn-standard"]
US = DEFAULT_CALENDARS["us-standard"]


def a_calendar(base: BusinessCalendar = CN, **changes: object) -> BusinessCalendar:
    return replace(base, **changes)


def every_day(*hours: tuple[time, time], timezone: str = "America/New_York") -> BusinessCalendar:
    return BusinessCalendar(timezone=timezone, weekly_hours={day: hours for day in range(7)})


def nights_in_new_york() -> BusinessCalendar:
    """Worked 00:00–04:00 every day: the New York DST changes happen inside these hours."""
    return every_day((time(0), time(4)))


def round_the_clock_in_new_york() -> BusinessCalendar:
    return every_day((time(0), END_OF_DAY))


def sh(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def ny(*args: int, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=NEW_YORK, fold=fold)


def z(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)
