import math

import pytest

from bench.e2e import (
    ASSIGNED,
    CLASSIFIED,
    RECEIVED,
    SLA_STARTED,
    Plan,
    Seen,
    Sent,
    completion_rate,
    saturation,
    schedule,
    slope,
    staff,
    stages,
    step_result,
)
from bench.report import percentile


def test_percentiles_take_the_nearest_rank_of_sorted_values() -> None:
    values = [float(v) for v in range(1, 101)]

    assert percentile(values, 0.50) == 51.0
    assert percentile(values, 0.99) == 100.0
    assert percentile(values, 1.0) == 100.0
    assert percentile([7.0], 0.99) == 7.0
    assert percentile([], 0.5) == 0.0


def test_the_schedule_spaces_requests_evenly_from_the_start_whatever_the_answers() -> None:
    due = schedule(50, 2.0, start=100.0)

    assert len(due) == 100
    assert due[0] == 100.0
    assert due[1] - due[0] == pytest.approx(0.02)
    assert due[-1] == pytest.approx(100.0 + 99 / 50)


def test_a_fractional_schedule_rounds_the_count_up() -> None:
    assert len(schedule(10, 0.25)) == 3


def test_the_ladder_doubles_past_the_required_rates_up_to_the_highest() -> None:
    plan = Plan(seconds=2.0, drain_s=1.0, rates=(10, 50, 200), max_rate=1000, warmup=5)

    assert list(plan.ladder()) == [10, 50, 200, 400, 800]


def test_completions_spaced_like_arrivals_give_the_arrival_rate() -> None:
    assert completion_rate([1.0 + i / 40 for i in range(200)]) == pytest.approx(40.0)
    assert completion_rate([3.0]) == 0.0
    assert completion_rate([3.0, 3.0]) == math.inf


def test_slope_of_a_line_and_of_a_level() -> None:
    assert slope([(x, 0.2 + 0.5 * x) for x in range(10)]) == pytest.approx(0.5)
    assert slope([(x, 0.2) for x in range(10)]) == pytest.approx(0.0)
    assert slope([(1.0, 0.1), (1.0, 0.9)]) == 0.0


def level(seconds: float, latency: float) -> list[tuple[float, float]]:
    return [(i / 10, latency) for i in range(int(seconds * 10))]


def test_a_platform_that_keeps_up_is_not_saturated() -> None:
    assert saturation(50, 49.5, incomplete=0.0, latencies=level(15, 0.08)) is None


def test_completing_too_few_per_second_is_saturation() -> None:
    assert saturation(200, 120, incomplete=0.0, latencies=level(15, 0.08)) == "completes 120/s of 200/s offered"


def test_complaints_left_undone_after_the_drain_are_saturation() -> None:
    assert "not through" in saturation(200, 199, incomplete=0.05, latencies=level(15, 0.08))


def test_latency_that_keeps_growing_is_saturation_even_at_the_offered_rate() -> None:
    growing = [(x, 0.05 + 0.2 * x) for x, _ in level(15, 0)]

    assert saturation(200, 195, incomplete=0.0, latencies=growing) == "latency grows 200 ms per second of run"


def test_a_small_drift_at_low_latency_is_noise_not_saturation() -> None:
    drifting = [(x, 0.01 + 0.06 * x) for x in (0.0, 0.5, 1.0, 1.5, 2.0)]

    assert saturation(10, 10, incomplete=0.0, latencies=drifting) is None


def seen(received: float, classified: float, assigned: float, sla: float, *, agent: str | None = "a1") -> Seen:
    return Seen(kafka_time={RECEIVED: received, CLASSIFIED: classified, ASSIGNED: assigned, SLA_STARTED: sla},
                agent=agent)


def test_stages_run_from_the_post_through_each_event_to_the_later_one_on_the_broker() -> None:
    found = stages(10.0, seen(10.05, 10.2, 10.21, 10.6))

    assert found == pytest.approx({"received": 0.05, "classified": 0.15, "assigned": 0.01, "sla_started": 0.4,
                                   "total": 0.6})


def test_the_total_ends_with_the_assignment_when_it_comes_after_the_clocks() -> None:
    assert stages(10.0, seen(10.05, 10.2, 10.9, 10.6))["total"] == pytest.approx(0.9)


def test_a_complaint_without_its_sla_clock_is_not_complete() -> None:
    partial = Seen(kafka_time={RECEIVED: 1.0, CLASSIFIED: 1.1, ASSIGNED: 1.1})

    assert not partial.complete


def test_a_step_counts_statuses_completions_and_cases_left_in_a_queue() -> None:
    sent = [Sent(due=100.0 + i / 10, status=201, answered=100.02 + i / 10, complaint_id=f"c{i}") for i in range(20)]
    sent.append(Sent(due=102.0, status=503, answered=102.1))
    by_id = {f"c{i}": seen(100.03 + i / 10, 100.1 + i / 10, 100.1 + i / 10, 100.25 + i / 10,
                           agent=None if i == 3 else "a1") for i in range(19)}

    step = step_result(10, sent, by_id, seconds=2.0)

    assert step["statuses"] == {"201": 20, "503": 1}
    assert step["completed"] == 19
    assert step["queued_without_agent"] == 1
    assert step["stages"]["total"]["p50_ms"] == pytest.approx(250.0)
    assert step["completed_per_s"] == pytest.approx(10.0)
    assert step["saturated"] == "5% not through within the drain time"


def test_staffing_gives_every_team_room_for_every_case() -> None:
    org = staff(2500, [{"id": "demo-billing"}, {"id": "demo-triage"}])

    billing = [a for a in org["agents"] if a["team_id"] == "demo-billing"]
    assert len(billing) == 3
    assert sum(a["capacity"] for a in billing) >= 2500
    assert {a["presence"] for a in org["agents"]} == {"online"}
    assert len({a["id"] for a in org["agents"]}) == 6
