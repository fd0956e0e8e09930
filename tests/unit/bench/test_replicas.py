from typing import Any

from bench.e2e import ASSIGNED, CLASSIFIED, RECEIVED, SLA_STARTED, Seen
from bench.replicas import (
    MARGIN,
    Plan,
    batch_body,
    bottleneck,
    events_per_complaint,
    markdown,
    output_times,
    rate,
    ratio,
    results,
    summary,
    yardstick,
)
from services.intake.schemas import BatchIn, BatchItemIn


def seen(received: float, classified: float, assigned: float, sla_started: float | None) -> Seen:
    times = {RECEIVED: received, CLASSIFIED: classified, ASSIGNED: assigned}
    if sla_started is not None:
        times[SLA_STARTED] = sla_started
    return Seen(kafka_time=times)


def a_run(replicas: int, rates: dict[str, float | None], *, service: str = "routing",
          notes: list[str] | None = None) -> dict[str, Any]:
    others = {"intake": 1, "routing": 1, "escalation": 1, "feedback": 1}
    return {"complaints": 1000, "through": 1000, "filed_s": 2.5, "rates": rates,
            "spans_s": {"intake": 2.5, "routing": 50.0, "escalation": 52.0},
            "applied": {"routing-1": 1000, "escalation-1": 3000}
            | {f"{service}-{i}": 1000 // replicas for i in range(1, replicas + 1)},
            "load_average_1m": 3.2, "notes": notes or [], "replicas": {**others, service: replicas}}


def test_each_stage_is_timed_by_its_output_of_complaints_the_watcher_saw_complete() -> None:
    watched = {"a": seen(1.0, 2.0, 2.1, 3.0), "b": seen(1.5, 4.0, 3.9, 5.0), "half": seen(1.2, 2.5, 2.5, None),
               "other": seen(0.0, 0.0, 0.0, 0.0)}

    times = output_times(watched, ["a", "b", "half", "never-seen"])

    assert times == {"intake": [1.0, 1.5], "routing": [2.1, 4.0], "escalation": [3.0, 5.0]}


def test_the_rate_counts_the_intervals_between_the_first_and_the_last_output() -> None:
    assert rate([10.0, 11.0, 12.0, 14.0, 15.0]) == 0.8  # four intervals over five seconds
    assert rate([10.0, 10.0]) is None  # all at one instant: no span to divide by
    assert rate([10.0]) is None
    assert rate([]) is None


def test_routing_is_the_bottleneck_while_escalation_keeps_up_with_it() -> None:
    assert bottleneck({"routing": 20.0, "escalation": 17.0}) == "routing"
    assert bottleneck({"routing": 20.0, "escalation": 25.0}) == "routing"
    assert bottleneck({"routing": 20.0, "escalation": MARGIN * 20.0}) == "routing"


def test_escalation_is_the_bottleneck_when_it_drains_clearly_slower_than_routing() -> None:
    assert bottleneck({"routing": 20.0, "escalation": 10.0}) == "escalation"
    assert bottleneck({"routing": 20.0, "escalation": MARGIN * 20.0 - 0.1}) == "escalation"
    assert bottleneck({"routing": 20.0, "escalation": None}) == "escalation"


def test_the_ratio_is_two_replicas_over_one_and_unknown_without_both() -> None:
    assert ratio(10.0, 15.0) == 1.5
    assert ratio(12.3, 16.9) == 1.37
    assert ratio(None, 15.0) is None
    assert ratio(10.0, None) is None


def test_events_per_complaint_add_up_the_replicas_of_each_consumer() -> None:
    run = {"through": 100, "applied": {"routing-1": 100, "escalation-1": 350, "escalation-2": 250}}

    assert events_per_complaint(run) == {"routing": 1.0, "escalation": 6.0}
    assert events_per_complaint({"through": 0, "applied": {}}) == {"routing": None, "escalation": None}


def test_the_results_compare_the_bottleneck_service_of_both_runs() -> None:
    single = a_run(1, {"intake": 200.0, "routing": 10.0, "escalation": 9.8})
    double = a_run(2, {"intake": 210.0, "routing": 14.0, "escalation": 13.5})

    data = results(Plan(complaints=1000, postgres_url="postgresql://x", drain_limit_s=60), single, double, "routing")

    assert data["per_s"] == {"1": 10.0, "2": 14.0}
    assert data["ratio"] == 1.4
    assert data["partitions"] == 6
    assert data["bottleneck"] == "routing"
    assert data["others_ratio"] == {"escalation": 1.38}
    assert "escalation followed at 9.8/s" in data["why"]
    assert "routing applies 1.0 events per complaint" in data["why"]
    assert "escalation applies 3.0" in data["why"]
    assert [run["replicas"]["routing"] for run in data["runs"]] == [1, 2]


def test_the_markdown_table_has_a_row_per_run_and_says_why_two_cores_cannot_double() -> None:
    single = a_run(1, {"intake": 200.0, "routing": 10.0, "escalation": 4.0}, service="escalation")
    double = a_run(2, {"intake": 210.0, "routing": 9.0, "escalation": 6.0}, service="escalation",
                   notes=["2 replicas of escalation: 3 of 1,000 complaints not through"])
    data = results(Plan(complaints=1000, postgres_url="postgresql://x", drain_limit_s=60), single, double,
                   "escalation")

    blocks = markdown(data)
    table = next(block for block in blocks if block.startswith("| replicas of escalation |"))

    rows = table.splitlines()[2:]
    assert len(rows) == 2
    assert rows[0].startswith("| 1 | 1,000 of 1,000 | 10.0 | **4.0** |")
    assert rows[1].startswith("| 2 | 1,000 of 1,000 | 9.0 | **6.0** |")
    assert "escalation-1 500, escalation-2 500" in rows[1]
    text = "\n\n".join(blocks)
    assert "Bottleneck: **escalation**" in text
    assert "ratio **1.5**" in text
    assert "cannot double" in text
    assert "3 of 1,000 complaints not through" in text
    assert "Routing, at one replica in both runs, moved ×0.9 between them, so the runs saw similar load" in text
    assert "with 2 replicas: 6.0 complaints/s" in summary(data)
    assert "at one replica in both runs: routing ×0.9" in summary(data)


def test_a_consumer_at_one_replica_in_both_runs_tells_how_the_machine_s_load_moved() -> None:
    single = a_run(1, {"routing": 3.5, "escalation": 2.4}, service="escalation")
    double = a_run(2, {"routing": 4.8, "escalation": 3.6}, service="escalation")
    data = results(Plan(complaints=400, postgres_url="postgresql://x", drain_limit_s=60), single, double,
                   "escalation")

    assert yardstick([single, double], "escalation") == {"routing": 1.37}
    assert "moved ×1.37 between them: the machine's other load changed too" in "\n".join(markdown(data))


def test_a_batch_files_complaints_from_new_customers_that_intake_accepts() -> None:
    body = batch_body(40, 3)

    BatchIn.model_validate(body)
    items = [BatchItemIn.model_validate(item) for item in body["items"]]
    assert len({item.complaint.customer.id for item in items}) == 3
    assert "41" in items[1].complaint.subject
