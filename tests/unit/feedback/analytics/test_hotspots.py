"""The Poisson control-limit method of hotspot detection."""

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest

from services.feedback.analytics import hotspots

DAY = date(2026, 11, 20)


def series(per_day: int, today: int, days: int = 28) -> Counter:
    counts = Counter({DAY - timedelta(days=i): per_day for i in range(1, days + 1)})
    counts[DAY] = today
    return counts


def test_the_limit_is_mean_plus_sigmas_root_mean():
    assert hotspots.control_limit(4.0, 3.0) == 10.0
    assert hotspots.control_limit(0.0, 3.0) == 0.0


@pytest.mark.parametrize(("today", "hot"), [(6, False), (7, True)])
def test_a_day_above_the_limit_is_hot(today, hot):
    # baseline mean 2 -> limit 2 + 3 * 1.414 = 6.243
    judged = hotspots.judge(series(2, today), day=DAY, baseline_days=28, sigmas=3.0, min_count=5)
    assert (judged is not None) is hot
    if hot:
        assert judged[0] == 7 and judged[1] == 2.0 and judged[2] == pytest.approx(6.2426, abs=1e-4)


@pytest.mark.parametrize(("today", "hot"), [(4, False), (5, True)])
def test_a_new_value_needs_the_minimum_count(today, hot):
    judged = hotspots.judge(Counter({DAY: today}), day=DAY, baseline_days=28, sigmas=3.0, min_count=5)
    assert (judged is not None) is hot


def test_the_baseline_is_the_trailing_window_only():
    counts = series(0, 8, days=28)
    counts[DAY - timedelta(days=29)] = 500   # outside the 28-day window
    counts[DAY + timedelta(days=1)] = 500    # after the day
    assert hotspots.judge(counts, day=DAY, baseline_days=28, sigmas=3.0, min_count=5) == (8, 0.0, 0.0)


def test_find_reports_each_rising_value_with_its_window():
    moment = datetime(2026, 11, 20, 10, tzinfo=UTC)
    billing = [("category", "billing", moment + timedelta(minutes=i), uuid4()) for i in range(6)]
    rows = billing + [("channel", "web", moment, uuid4())] * 2 + [("product", None, moment, uuid4())] * 9
    rows += [("category", "network", moment - timedelta(days=d), uuid4()) for d in range(1, 29) for _ in range(3)]
    rows += [("category", "network", moment, uuid4())] * 6
    found = hotspots.find(rows, day=DAY, baseline_days=28, sigmas=3.0, min_count=5)
    assert [(f.dimension, f.value, f.count, f.expected) for f in found] == [("category", "billing", 6, 0.0)]
    assert found[0].window_start == datetime(2026, 11, 20, tzinfo=UTC)
    assert found[0].window_end == datetime(2026, 11, 21, tzinfo=UTC)


def test_a_finding_names_the_complaints_of_its_day_latest_first():
    moment = datetime(2026, 11, 20, 10, tzinfo=UTC)
    today = [("category", "billing", moment + timedelta(minutes=i), uuid4()) for i in range(5)]
    before = [("category", "billing", moment - timedelta(days=40), uuid4())]   # outside the baseline too
    [found] = hotspots.find(today + before, day=DAY, baseline_days=28, sigmas=3.0, min_count=5)
    assert found.complaint_ids == tuple(row[3] for row in reversed(today))
