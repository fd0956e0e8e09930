"""SLA attainment reports through HTTP, as JSON and CSV, from clocks driven by events off the broker."""

from datetime import UTC, datetime, timedelta

from shared.contracts.complaint import ComplaintAssignedV1
from shared.contracts.sla import SlaBreachedV1, SlaFulfilledV1, SlaStartedV1
from tests.integration.escalation.builders import classified, fast_policy, new_id, received, responded
from tests.support import produce_event, started_producer, unique, wait_until


async def test_attainment_per_team_category_and_day_as_json_and_csv(escalation, event_log, broker):
    slow, fast = unique("report-slow-"), unique("report-fast-")
    await escalation.client.post("/v1/sla/policies", json=fast_policy(slow))
    await escalation.client.post("/v1/sla/policies", json=fast_policy(fast, first_response_s=2))
    on_time, late, waiting, arrived = new_id(), new_id(), new_id(), datetime.now(UTC)
    async with started_producer(broker.bootstrap) as producer:
        for complaint_id, team, category in ((on_time, "alpha", slow), (late, "alpha", fast),
                                             (waiting, "beta", fast)):
            await produce_event(producer, received(complaint_id, at=arrived))
            await produce_event(producer, classified(complaint_id, category=category))
            await produce_event(producer, ComplaintAssignedV1(complaint_id=complaint_id, team_id=team))
        await produce_event(producer, responded(on_time))
        await event_log.wait_for(on_time, SlaFulfilledV1)
        for complaint_id in (late, waiting):
            await event_log.wait_for(complaint_id, SlaBreachedV1)
        await produce_event(producer, responded(late))
        await event_log.wait_for(late, SlaFulfilledV1)
        await event_log.wait_for(waiting, SlaStartedV1, count=2)
    await wait_until(lambda: _assigned(escalation, waiting), what="the assignment recorded")

    params = {"group_by": "team", "target": "first_response"}
    rows = (await escalation.client.get("/v1/sla/reports/attainment", params=params)).json()["rows"]
    by_team = {r["group"]: (r["clocks"], r["met"], r["missed"], r["open"], r["attainment_percent"]) for r in rows}
    assert by_team["alpha"] == (2, 1, 1, 0, 50.0) and by_team["beta"] == (1, 0, 1, 0, 0.0)
    by_category = (await escalation.client.get("/v1/sla/reports/attainment",
                                               params={"group_by": "category", "category": fast})).json()
    assert [(r["group"], r["clocks"], r["met"], r["missed"], r["open"]) for r in by_category["rows"]] == [
        (fast, 4, 0, 2, 2)]

    csv = await escalation.client.get("/v1/sla/reports/attainment", headers={"Accept": "text/csv"},
                                      params={"group_by": "day", "policy_id": f"fast-{fast}",
                                              "target": "first_response"})
    assert csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.splitlines()
    assert lines[0] == "group,clocks,met,missed,open,attainment_percent,average_minutes_to_fulfil"
    assert len(lines) == 2 and lines[1].startswith(f"{arrived.date().isoformat()},2,0,2,0,0.0,")
    later = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    empty = await escalation.client.get("/v1/sla/reports/attainment", params={"from": later, "format": "csv"})
    assert empty.text.splitlines() == [lines[0]]


async def _assigned(escalation, complaint_id) -> bool:
    return (await escalation.sla(complaint_id)).get("team_id") == "beta"


async def test_bad_report_parameters_are_refused(escalation):
    for params in ({"group_by": "colour"}, {"from": "yesterday"}, {"from": "2026-11-01T00:00:00"},
                   {"target": "lunch"}, {"format": "xml"}):
        answer = await escalation.client.get("/v1/sla/reports/attainment", params=params)
        assert answer.status_code == 422, params
        assert answer.headers["content-type"].startswith("application/problem+json")
