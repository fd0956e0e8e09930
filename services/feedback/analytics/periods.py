"""Calendar periods (UTC): the keys KPIs are grouped by and the ranges scheduled reports cover. Pure."""

from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from services.feedback.analytics.domain import Fact

NONE_KEY = "(none)"


class Period(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class GroupBy(StrEnum):
    PERIOD = "period"
    CHANNEL = "channel"
    CATEGORY = "category"
    PRODUCT = "product"
    TEAM = "team"
    AGENT = "agent"
    REGION = "region"


def period_key(moment: datetime, period: Period) -> str:
    """day 2026-11-23, week: its Monday 2026-11-23, month 2026-11."""
    day = moment.astimezone(UTC).date()
    if period is Period.MONTH:
        return f"{day:%Y-%m}"
    if period is Period.WEEK:
        day = day - timedelta(days=day.weekday())
    return day.isoformat()


def group_key(fact: Fact, group_by: GroupBy, period: Period) -> str:
    if group_by is GroupBy.PERIOD:
        return period_key(fact.anchor, period)
    return getattr(fact, group_by.value) or NONE_KEY


def start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _months_back(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _period_start(day: date, kind: str) -> date:
    if kind == "weekly":
        return day - timedelta(days=day.weekday())
    span = {"monthly": 1, "quarterly": 3, "half-yearly": 6}[kind]
    return date(day.year, (day.month - 1) // span * span + 1, 1)


def previous_period(kind: str, now: datetime) -> tuple[datetime, datetime]:
    """The last complete weekly, monthly, quarterly or half-yearly period before `now`: [start, end)."""
    current = _period_start(now.astimezone(UTC).date(), kind)
    if kind == "weekly":
        return start_of(current - timedelta(days=7)), start_of(current)
    span = {"monthly": 1, "quarterly": 3, "half-yearly": 6}[kind]
    return start_of(_months_back(current, span)), start_of(current)


def next_period_start(kind: str, now: datetime) -> datetime:
    current = _period_start(now.astimezone(UTC).date(), kind)
    if kind == "weekly":
        return start_of(current + timedelta(days=7))
    span = {"monthly": 1, "quarterly": 3, "half-yearly": 6}[kind]
    return start_of(_months_back(current, -span))
