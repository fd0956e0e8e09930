"""SLA attainment per group."""

from datetime import UTC, datetime

from services.escalation.reports.domain import ClockFact, GroupBy, attainment, group_of


def fact(state: str, *, met: bool | None = None, breached: bool = False, team: str | None = "t1",
         day: int = 23, elapsed_min: float = 10) -> ClockFact:
    return ClockFact(policy_id="standard", team_id=team, category="billing", target="first_response", state=state,
                     met=met, breached=breached, started_at=datetime(2026, 11, day, 12, tzinfo=UTC),
                     elapsed_s=elapsed_min * 60)


def test_attainment_counts_met_against_met_and_missed():
    facts = [fact("fulfilled", met=True), fact("fulfilled", met=True, elapsed_min=30),
             fact("fulfilled", met=False, breached=True), fact("breached", breached=True), fact("running"),
             fact("cancelled"), fact("fulfilled", met=True, team=None)]
    rows = attainment(facts, GroupBy.TEAM)
    assert rows == [
        {"group": "t1", "clocks": 5, "met": 2, "missed": 2, "open": 1, "attainment_percent": 50.0,
         "average_minutes_to_fulfil": round((10 + 30 + 10) / 3, 2)},
        {"group": "unassigned", "clocks": 1, "met": 1, "missed": 0, "open": 0, "attainment_percent": 100.0,
         "average_minutes_to_fulfil": 10.0},
    ]


def test_nothing_decided_has_no_attainment():
    assert attainment([fact("running")], GroupBy.POLICY)[0]["attainment_percent"] is None


def test_periods_are_days_iso_weeks_and_months():
    sunday, monday = fact("running", day=29), fact("running", day=30)
    assert group_of(sunday, GroupBy.DAY) == "2026-11-29"
    assert (group_of(sunday, GroupBy.WEEK), group_of(monday, GroupBy.WEEK)) == ("2026-W48", "2026-W49")
    assert group_of(monday, GroupBy.MONTH) == "2026-11"
