"""Hotspot detection: a day whose complaint count for a category, product or channel rises above the Poisson
upper control limit of its trailing baseline (docs/kpis.md). Pure: no I/O."""

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

from services.feedback.analytics.periods import start_of

DIMENSIONS = ("category", "product", "channel")


@dataclass(frozen=True)
class Finding:
    dimension: str
    value: str
    window_start: datetime
    window_end: datetime
    count: int
    expected: float
    limit: float
    complaint_ids: tuple[UUID, ...] = ()   # the complaints counted on the day, latest first


def control_limit(mean: float, sigmas: float) -> float:
    """Upper control limit of a c-chart: for Poisson counts the variance equals the mean."""
    return mean + sigmas * math.sqrt(mean)


def judge(counts: Counter[date], *, day: date, baseline_days: int, sigmas: float,
          min_count: int) -> tuple[int, float, float] | None:
    """(count, baseline mean, limit) when `day` is a hotspot for this series of daily counts, else None."""
    count = counts.get(day, 0)
    if count < min_count:
        return None
    mean = sum(counts.get(day - timedelta(days=i), 0) for i in range(1, baseline_days + 1)) / baseline_days
    limit = control_limit(mean, sigmas)
    return (count, mean, limit) if count > limit else None


def find(rows: Iterable[tuple[str, str | None, datetime, UUID]], *, day: date, baseline_days: int, sigmas: float,
         min_count: int) -> list[Finding]:
    """rows: (dimension, value, received_at, complaint_id) of every complaint in the baseline and the day."""
    series: dict[tuple[str, str], Counter[date]] = {}
    members: dict[tuple[str, str], list[tuple[datetime, UUID]]] = {}
    for dimension, value, moment, complaint_id in rows:
        if value:
            series.setdefault((dimension, value), Counter())[moment.astimezone(UTC).date()] += 1
            if moment.astimezone(UTC).date() == day:
                members.setdefault((dimension, value), []).append((moment, complaint_id))
    findings = []
    for (dimension, value), counts in sorted(series.items()):
        judged = judge(counts, day=day, baseline_days=baseline_days, sigmas=sigmas, min_count=min_count)
        if judged:
            count, mean, limit = judged
            latest_first = tuple(cid for _, cid in sorted(members[(dimension, value)], reverse=True))
            findings.append(Finding(dimension, value, start_of(day), start_of(day + timedelta(days=1)), count,
                                    round(mean, 4), round(limit, 4), latest_first))
    return findings
