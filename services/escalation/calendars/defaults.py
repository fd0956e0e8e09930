"""Calendars every deployment has, by name."""

from datetime import time

from services.escalation.calendars.domain import END_OF_DAY, BusinessCalendar

_MONDAY_TO_FRIDAY = range(5)
_ALL_DAY = ((time(0), END_OF_DAY),)

DEFAULT_CALENDARS: dict[str, BusinessCalendar] = {
    # Chinese office hours with a lunch break; public holidays and the 调休 make-up working days of the
    # `holidays` library.
    "cn-standard": BusinessCalendar(
        timezone="Asia/Shanghai",
        weekly_hours={day: ((time(9), time(12)), (time(13), time(18))) for day in _MONDAY_TO_FRIDAY},
        country="CN",
    ),
    # US office hours on Eastern time; federal holidays (observed dates).
    "us-standard": BusinessCalendar(
        timezone="America/New_York",
        weekly_hours={day: ((time(9), time(17)),) for day in _MONDAY_TO_FRIDAY},
        country="US",
    ),
    # Round the clock: business time is elapsed time.
    "24x7": BusinessCalendar(timezone="UTC", weekly_hours={day: _ALL_DAY for day in range(7)}),
}
