"""Loads what clock arithmetic needs from the database: the calendars by name, as Timings, and the ladder."""

import json
from typing import Any

from services.escalation.calendars import DEFAULT_CALENDARS, BusinessCalendar, parse_calendar
from services.escalation.domain import DueClock, Timing
from services.escalation.ladder.domain import Level, ladder_delays
from services.escalation.models import EscalationLevel, SlaClock
from services.escalation.uow import EscalationUow

FALLBACK_CALENDAR = "24x7"

_parsed: dict[str, BusinessCalendar] = {}


def parsed_calendar(definition: dict[str, Any]) -> BusinessCalendar:
    """parse_calendar, remembered by content: calendars are parsed once per process, not once per clock."""
    key = json.dumps(definition, sort_keys=True)
    if key not in _parsed:
        _parsed[key] = parse_calendar(definition)
    return _parsed[key]


class Clockwork:
    """Calendars and ladder of one unit of work, loaded on first use."""

    def __init__(self, uow: EscalationUow) -> None:
        self.uow = uow
        self._calendars: dict[str, BusinessCalendar] | None = None
        self._levels: list[Level] | None = None

    async def calendar(self, name: str) -> BusinessCalendar:
        if self._calendars is None:
            rows = await self.uow.policies.calendars()
            self._calendars = {row.name: parsed_calendar(row.definition) for row in rows}
        known = self._calendars.get(name) or DEFAULT_CALENDARS.get(name)
        return known or DEFAULT_CALENDARS[FALLBACK_CALENDAR]

    async def timing(self, clock: SlaClock | DueClock) -> Timing:
        return await self.timing_of(clock.calendar, clock.business_hours)

    async def timing_of(self, calendar: str, business_hours: bool) -> Timing:
        return Timing(calendar=await self.calendar(calendar), business_hours=business_hours)

    async def levels(self) -> list[Level]:
        if self._levels is None:
            self._levels = [level_of(row) for row in await self.uow.policies.levels()]
        return self._levels

    async def delays(self) -> dict[int, float]:
        return ladder_delays(await self.levels())


def level_of(row: EscalationLevel) -> Level:
    return Level(level=row.level, role=row.role, breach_targets=tuple(row.breach_targets),
                 after_breach_minutes=row.after_breach_minutes, min_severity=row.min_severity)
