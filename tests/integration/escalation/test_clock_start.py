"""Targets whose clocks start at the complaint's first assignment, driven by routing's events off the real broker."""

from datetime import datetime, timedelta
from typing import Any

from shared.contracts.complaint import ComplaintAssignedV1
from shared.contracts.sla import SlaFulfilledV1, SlaStartedV1
from tests.integration.escalation.builders import ago, classified, fast_policy, new_id, received, responded
from tests.support import produce_event, started_producer, unique


def starting_at_assignment(category: str) -> dict[str, Any]:
    policy = fast_policy(category)
    policy["targets"]["resolution"]["starts_at"] = "assigned"
    return policy


async def test_a_target_starting_at_assignment_counts_from_the_first_assignment_only(escalation, event_log, broker):
    category = unique("assigned-")
    created = await escalation.client.post("/v1/sla/policies", json=starting_at_assignment(category))
    assert created.status_code == 201, created.text
    assert created.json()["targets"]["resolution"]["starts_at"] == "assigned"
    assert created.json()["targets"]["first_response"]["starts_at"] == "received"
    complaint_id, arrived, assigned_at = new_id(), ago(600), ago(300)
    async with started_producer(broker.bootstrap) as producer:
        await produce_event(producer, received(complaint_id, at=arrived))
        await produce_event(producer, classified(complaint_id, category=category))
        first = await event_log.wait_for(complaint_id, SlaStartedV1)
        assert [(e.target, e.due_at) for e in first] == [("first_response", arrived + timedelta(hours=1))]

        await produce_event(producer, ComplaintAssignedV1(complaint_id=complaint_id, team_id="billing",
                                                          occurred_at=assigned_at))
        started = await event_log.wait_for(complaint_id, SlaStartedV1, count=2)
        assert {e.target: e.due_at for e in started} == {"first_response": arrived + timedelta(hours=1),
                                                         "resolution": assigned_at + timedelta(hours=2)}

        await produce_event(producer, ComplaintAssignedV1(complaint_id=complaint_id, team_id="refunds",
                                                          previous_team_id="billing", transfers=1))
        await produce_event(producer, responded(complaint_id))
        await event_log.wait_for(complaint_id, SlaFulfilledV1, where=lambda e: e.target == "first_response")
    view = await escalation.sla(complaint_id)
    resolution = [c for c in view["clocks"] if c["target"] == "resolution"]
    assert len(resolution) == 1 and datetime.fromisoformat(resolution[0]["started_at"]) == assigned_at
    assert resolution[0]["state"] == "running" and view["team_id"] == "refunds"
    assert len(event_log.of(complaint_id, SlaStartedV1)) == 2


async def test_every_clock_of_a_policy_can_wait_for_the_assignment(escalation, event_log, broker):
    category = unique("unassigned-")
    policy = starting_at_assignment(category)
    policy["targets"]["first_response"]["starts_at"] = "assigned"
    assert (await escalation.client.post("/v1/sla/policies", json=policy)).status_code == 201
    complaint_id, assigned_at = new_id(), ago(30)
    async with started_producer(broker.bootstrap) as producer:
        await produce_event(producer, received(complaint_id, at=ago(3000)))
        await produce_event(producer, classified(complaint_id, category=category))
        await produce_event(producer, ComplaintAssignedV1(complaint_id=complaint_id, team_id="billing",
                                                          occurred_at=assigned_at))
        started = await event_log.wait_for(complaint_id, SlaStartedV1, count=2)
    assert {e.target: e.due_at for e in started} == {"first_response": assigned_at + timedelta(hours=1),
                                                     "resolution": assigned_at + timedelta(hours=2)}
    view = await escalation.sla(complaint_id)
    assert {datetime.fromisoformat(c["started_at"]) for c in view["clocks"]} == {assigned_at}


async def test_an_assignment_before_the_classification_counts_from_the_assignment(escalation, event_log, broker):
    category = unique("early-")
    assert (await escalation.client.post("/v1/sla/policies", json=starting_at_assignment(category))).status_code == 201
    complaint_id, arrived, assigned_at = new_id(), ago(900), ago(600)
    async with started_producer(broker.bootstrap) as producer:
        await produce_event(producer, received(complaint_id, at=arrived))
        await produce_event(producer, ComplaintAssignedV1(complaint_id=complaint_id, team_id="billing",
                                                          occurred_at=assigned_at))
        await produce_event(producer, classified(complaint_id, category=category))
        started = await event_log.wait_for(complaint_id, SlaStartedV1, count=2)
    assert {e.target: e.due_at for e in started} == {"first_response": arrived + timedelta(hours=1),
                                                     "resolution": assigned_at + timedelta(hours=2)}
    assert datetime.fromisoformat((await escalation.sla(complaint_id))["assigned_at"]) == assigned_at
