"""Business calendars for SLA due times: working hours in a time zone, public holidays and make-up working
days, custom closed and open dates, and the arithmetic on them. Pure: no I/O."""

from services.escalation.calendars.arithmetic import (
    add_business_time,
    add_calendar_time,
    business_time_between,
    is_working_time,
    working_intervals,
)
from services.escalation.calendars.codec import calendar_to_dict, parse_calendar
from services.escalation.calendars.defaults import DEFAULT_CALENDARS
from services.escalation.calendars.domain import END_OF_DAY, BusinessCalendar, CalendarError

__all__ = [
    "DEFAULT_CALENDARS",
    "END_OF_DAY",
    "BusinessCalendar",
    "CalendarError",
    "add_business_time",
    "add_calendar_time",
    "business_time_between",
    "calendar_to_dict",
    "is_working_time",
    "parse_calendar",
    "working_intervals",
]
