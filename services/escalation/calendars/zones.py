"""Wall-clock times of a calendar's zone turned into instants, across daylight-saving changes.

A wall time means the first instant at which the zone's clock reads that time or later:
- a time repeated by a fall-back change (01:30 on 2 November 2025 in New York) is its first occurrence
  (01:30 EDT = 05:30Z), which is zoneinfo's fold=0;
- a time skipped by a spring-forward change (02:30 on 9 March 2025 in New York) is the instant of the jump
  (03:00 EDT = 07:00Z). zoneinfo alone would shift it forward by the gap (03:30 EDT); the jump keeps the mapping
  monotonic, so intervals of one day never overlap or turn inside out.
Hence a day worked 00:00–04:00 has 3 real hours on a spring-forward day and 5 on a fall-back day, and a 24-hour
day has 23 and 25.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.escalation.calendars.domain import END_OF_DAY, CalendarError

_SECOND = timedelta(seconds=1)


def instant_of(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of wall time `wall` on local date `day` (END_OF_DAY is the next midnight)."""
    if wall == END_OF_DAY:
        day, wall = day + timedelta(days=1), time(0)
    local = datetime.combine(day, wall, tzinfo=zone)
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) == local.replace(tzinfo=None):
        return instant
    return _jump_within(local.replace(fold=1).astimezone(UTC), instant, zone)


def _jump_within(before: datetime, after: datetime, zone: ZoneInfo) -> datetime:
    """The instant the offset changes, between `before` (old offset) and `after` (new offset); zone transitions
    fall on whole seconds, so a bisection by seconds finds it in a dozen steps."""
    new_offset = after.astimezone(zone).utcoffset()
    while after - before > _SECOND:
        middle = before + (after - before) // 2
        middle -= timedelta(microseconds=middle.microsecond)
        if middle <= before:
            break
        if middle.astimezone(zone).utcoffset() == new_offset:
            after = middle
        else:
            before = middle
    return after


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def as_utc(moment: datetime, *, name: str) -> datetime:
    """`moment` in UTC; refuses naive datetimes, whose zone would be a guess."""
    if not isinstance(moment, datetime):
        raise CalendarError(f"{name} must be a datetime, got {type(moment).__name__}", argument=name)
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise CalendarError(f"{name} must be a timezone-aware datetime, got the naive {moment.isoformat()}; "
                            "attach a zone (e.g. tzinfo=UTC)", argument=name)
    return moment.astimezone(UTC)
