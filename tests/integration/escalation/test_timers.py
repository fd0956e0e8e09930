"""Real timers: warnings and breaches fire once each, a breach climbs the ladder, with time too; staff and
customers escalate by request, never past the top."""

from shared.contracts.complaint import ComplaintEscalatedV1, ComplaintEscalationRequestedV1
from shared.contracts.sla import SlaBreachedV1, SlaFulfilledV1, SlaRecalculatedV1, SlaStartedV1, SlaWarningV1
from tests.integration.escalation.builders import classified, fast_policy, new_id, received, responded
from tests.support import produce_event, started_producer, unique


async def test_warnings_and_the_breach_fire_once_each_and_the_breach_climbs_the_ladder(escalation, event_log,
                                                                                       broker):
    category = unique("slow-")
    await escalation.client.post("/v1/sla/policies", json=fast_policy(category, first_response_s=2,
                                                                          thresholds=[50, 75]))
    level = await escalation.client.put("/v1/sla/escalation-levels/2", headers={"X-Actor": "head-of-care"}, json={
        "role": "manager", "breach_targets": ["resolution"], "after_breach_minutes": 0.03})
    assert level.status_code == 200, level.text
    complaint_id = new_id()
    async with started_producer(broker.bootstrap) as producer:
        await produce_event(producer, received(complaint_id))
        await produce_event(producer, classified(complaint_id, category=category))
        raised = await event_log.wait_for(complaint_id, ComplaintEscalatedV1, count=2)
        assert [(e.level, e.role, e.trigger) for e in raised] == [(1, "team_lead", "breach"),
                                                                  (2, "manager", "time_after_breach")]
        await produce_event(producer, responded(complaint_id))
        fulfilled = await event_log.wait_for(complaint_id, SlaFulfilledV1)
    assert fulfilled[0].target == "first_response" and fulfilled[0].met is False
    warnings = event_log.of(complaint_id, SlaWarningV1)
    assert sorted(e.threshold_percent for e in warnings) == [50, 75]
    assert {e.target for e in warnings} == {"first_response"}
    assert len(event_log.of(complaint_id, SlaBreachedV1)) == 1
    for ce_type, expected in ((SlaWarningV1.ce_type, 2), (SlaBreachedV1.ce_type, 1),
                              (ComplaintEscalatedV1.ce_type, 2)):
        assert await escalation.outbox_count(ce_type, complaint_id) == expected
    view = await escalation.sla(complaint_id)
    assert view["escalation_level"] == 2 and view["escalation_role"] == "manager"
    assert [(e["from_level"], e["level"], e["trigger"]) for e in view["escalations"]] == [
        (0, 1, "breach"), (1, 2, "time_after_breach")]
    breached = next(c for c in view["clocks"] if c["target"] == "first_response")
    assert breached["state"] == "fulfilled" and breached["met"] is False and breached["remaining_minutes"] < 0


async def test_staff_and_customers_escalate_one_level_up_to_the_top(escalation, event_log, broker):
    category = unique("asked-")
    await escalation.client.post("/v1/sla/policies", json=fast_policy(category))
    complaint_id = new_id()
    async with started_producer(broker.bootstrap) as producer:
        await produce_event(producer, received(complaint_id))
        await produce_event(producer, classified(complaint_id, category=category, severity=4))
        await event_log.wait_for(complaint_id, SlaStartedV1, count=2)
        by_severity = await event_log.wait_for(complaint_id, ComplaintEscalatedV1)
        assert (by_severity[0].level, by_severity[0].trigger) == (1, "severity")

        await produce_event(producer, ComplaintEscalationRequestedV1(complaint_id=complaint_id, reason="too slow"))
        by_customer = await event_log.wait_for(complaint_id, ComplaintEscalatedV1, count=2)
        assert (by_customer[1].level, by_customer[1].role, by_customer[1].trigger) == (2, "manager", "customer")

    manual = await escalation.client.post(f"/v1/complaints/{complaint_id}/escalations",
                                          json={"reason": "press enquiry"}, headers={"X-Actor": "lee"})
    assert manual.status_code == 201, manual.text
    assert (manual.json()["level"], manual.json()["role"], manual.json()["actor"]) == (3, "director", "lee")
    top = await escalation.client.post(f"/v1/complaints/{complaint_id}/escalations", json={"reason": "again"})
    assert top.status_code == 409 and top.headers["content-type"].startswith("application/problem+json")
    assert "top escalation level" in top.json()["detail"]
    escalated = await event_log.wait_for(complaint_id, ComplaintEscalatedV1, count=3)
    assert escalated[2].trigger == "manual" and escalated[2].level == 3
    assert (await escalation.sla(complaint_id))["escalation_level"] == 3


async def test_a_recalculated_policy_moves_its_open_clocks(escalation, event_log, broker):
    category = unique("recalc-")
    policy = fast_policy(category)
    await escalation.client.post("/v1/sla/policies", json=policy)
    complaint_id = new_id()
    async with started_producer(broker.bootstrap) as producer:
        await produce_event(producer, received(complaint_id))
        await produce_event(producer, classified(complaint_id, category=category))
        await event_log.wait_for(complaint_id, SlaStartedV1, count=2)
    shorter = {k: v for k, v in fast_policy(category, first_response_s=1).items() if k != "id"}
    unchanged = await escalation.client.put(f"/v1/sla/policies/{policy['id']}", json=shorter)
    assert unchanged.json()["recalculated_clocks"] == 0 and unchanged.json()["version"] == 2
    changed = await escalation.client.put(f"/v1/sla/policies/{policy['id']}?recalculate=true", json=shorter)
    assert changed.status_code == 200 and changed.json()["recalculated_clocks"] == 2
    breached = await event_log.wait_for(complaint_id, SlaBreachedV1)
    assert breached[0].target == "first_response"
    # Published before the breach, on the complaint's partition: only the clock whose due time moved.
    [moved] = event_log.of(complaint_id, SlaRecalculatedV1)
    started = {e.target: e for e in event_log.of(complaint_id, SlaStartedV1)}
    assert moved.target == "first_response" and moved.previous_due_at == started["first_response"].due_at
    assert moved.due_at < moved.previous_due_at and moved.target_minutes == 1 / 60
    assert (moved.paused, moved.breached, moved.business_hours) == (False, False, False)
    clock = await escalation.clock(complaint_id, "first_response")
    assert clock["target_minutes"] == moved.target_minutes
