"""Period keys and the ranges of scheduled reports."""

from datetime import UTC, datetime

import pytest

from services.feedback.analytics.periods import Period, next_period_start, period_key, previous_period


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_period_keys():
    sunday = utc(2026, 11, 29, 23, 30)
    assert period_key(sunday, Period.DAY) == "2026-11-29"
    assert period_key(sunday, Period.WEEK) == "2026-11-23"
    assert period_key(sunday, Period.MONTH) == "2026-11"


@pytest.mark.parametrize(("kind", "now", "start", "end"), [
    ("weekly", utc(2026, 11, 23, 0, 5), utc(2026, 11, 16), utc(2026, 11, 23)),
    ("monthly", utc(2026, 11, 23), utc(2026, 10, 1), utc(2026, 11, 1)),
    ("quarterly", utc(2026, 11, 23), utc(2026, 7, 1), utc(2026, 10, 1)),
    ("half-yearly", utc(2026, 11, 23), utc(2026, 1, 1), utc(2026, 7, 1)),
    ("quarterly", utc(2027, 1, 5), utc(2026, 10, 1), utc(2027, 1, 1)),
    ("half-yearly", utc(2027, 1, 5), utc(2026, 7, 1), utc(2027, 1, 1)),
    ("monthly", utc(2027, 1, 1), utc(2026, 12, 1), utc(2027, 1, 1)),
])
def test_previous_periods(kind, now, start, end):
    assert previous_period(kind, now) == (start, end)


def test_next_period_starts():
    now = utc(2026, 11, 23, 12)
    assert next_period_start("weekly", now) == utc(2026, 11, 30)
    assert next_period_start("monthly", now) == utc(2026, 12, 1)
    assert next_period_start("quarterly", now) == utc(2027, 1, 1)
    assert next_period_start("half-yearly", now) == utc(2027, 1, 1)
