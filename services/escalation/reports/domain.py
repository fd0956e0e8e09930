"""SLA attainment: clocks met against clocks missed, per group. Pure."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class GroupBy(StrEnum):
    POLICY = "policy"
    TEAM = "team"
    CATEGORY = "category"
    TARGET = "target"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


@dataclass(frozen=True)
class ClockFact:
    """One clock as the reports see it."""

    policy_id: str
    team_id: str | None
    category: str | None
    target: str
    state: str
    met: bool | None
    breached: bool
    started_at: datetime
    elapsed_s: float


COLUMNS = ("group", "clocks", "met", "missed", "open", "attainment_percent", "average_minutes_to_fulfil")


def group_of(fact: ClockFact, group_by: GroupBy) -> str:
    """The group a clock counts in; periods by the clock's start, in UTC (weeks are ISO weeks)."""
    match group_by:
        case GroupBy.POLICY:
            return fact.policy_id
        case GroupBy.TEAM:
            return fact.team_id or "unassigned"
        case GroupBy.CATEGORY:
            return fact.category or "unclassified"
        case GroupBy.TARGET:
            return fact.target
        case GroupBy.DAY:
            return fact.started_at.date().isoformat()
        case GroupBy.WEEK:
            year, week, _ = fact.started_at.isocalendar()
            return f"{year}-W{week:02d}"
    return f"{fact.started_at:%Y-%m}"


def outcome(fact: ClockFact) -> str | None:
    """met, missed (fulfilled late or breached and still open), open, or None for a cancelled clock."""
    if fact.state == "cancelled":
        return None
    if fact.state == "fulfilled":
        return "met" if fact.met else "missed"
    return "missed" if fact.breached else "open"


def attainment(facts: Iterable[ClockFact], group_by: GroupBy) -> list[dict[str, Any]]:
    """One row per group, sorted by group; attainment = met / (met + missed), None while nothing is decided."""
    groups: dict[str, dict[str, Any]] = {}
    for fact in facts:
        result = outcome(fact)
        if result is None:
            continue
        row = groups.setdefault(group_of(fact, group_by), {"clocks": 0, "met": 0, "missed": 0, "open": 0,
                                                           "fulfilled_s": 0.0, "fulfilled": 0})
        row["clocks"] += 1
        row[result] += 1
        if fact.state == "fulfilled":
            row["fulfilled"] += 1
            row["fulfilled_s"] += fact.elapsed_s
    return [_finished(name, row) for name, row in sorted(groups.items())]


def _finished(name: str, row: dict[str, Any]) -> dict[str, Any]:
    decided = row["met"] + row["missed"]
    return {"group": name, "clocks": row["clocks"], "met": row["met"], "missed": row["missed"], "open": row["open"],
            "attainment_percent": round(100 * row["met"] / decided, 2) if decided else None,
            "average_minutes_to_fulfil": round(row["fulfilled_s"] / row["fulfilled"] / 60, 2)
            if row["fulfilled"] else None}
