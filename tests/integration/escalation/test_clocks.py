"""Clocks driven by routing's and intake's events off the real broker: start, pause, resume, fulfil, cancel."""

from datetime import datetime, timedelta

from shared.contracts.complaint import ComplaintWithdrawnV1, Status
from shared.contracts.sla import (
    SlaCancelledV1,
    SlaFulfilledV1,
    SlaPausedV1,
    SlaRecalculatedV1,
    SlaResumedV1,
    SlaStartedV1,
)
from tests.integration.escalation.builders import (
    ago,
    classified,
    fast_policy,
    new_id,
    received,
    resolved,
    responded,
    status,
)
from tests.support import produce_event, started_producer, unique, wait_until


async def test_clocks_start_at_arrival_pause_resume_and_are_fulfilled(escalation, event_log, broker):
    category = unique("billing-")
    created = await escalation.client.post("/v1/sla/policies", json=fast_policy(category), headers={"X-Actor": "ops"})
    assert created.status_code == 201, created.text
    complaint_id, arrived = new_id(), ago(60)
    async with started_producer(broker.bootstrap) as producer:
        await produce_event(producer, received(complaint_id, at=arrived))
        await produce_event(producer, classified(complaint_id, category=category))
        started = await event_log.wait_for(complaint_id, SlaStartedV1, count=2)
        assert {e.target: e.due_at for e in started} == {"first_response": arrived + timedelta(hours=1),
                                                         "resolution": arrived + timedelta(hours=2)}
        assert {e.policy_id for e in started} == {f"fast-{category}"}
        view = await escalation.sla(complaint_id)
        assert {c["state"] for c in view["clocks"]} == {"running"}
        assert {datetime.fromisoformat(c["started_at"]) for c in view["clocks"]} == {arrived}

        await produce_event(producer, status(complaint_id, Status.IN_PROGRESS, Status.AWAITING_CUSTOMER))
        await event_log.wait_for(complaint_id, SlaPausedV1, count=2)
        paused = await escalation.clock(complaint_id, "first_response")
        assert paused["state"] == "paused"
        still = await wait_until(lambda: escalation.clock(complaint_id, "first_response"), what="a second look")
        assert still["elapsed_minutes"] == paused["elapsed_minutes"]  # a paused clock does not count
        await produce_event(producer, status(complaint_id, Status.AWAITING_CUSTOMER, Status.IN_PROGRESS))
        resumed = await event_log.wait_for(complaint_id, SlaResumedV1, count=2)
        assert all(e.due_at > arrived + timedelta(hours=1) for e in resumed if e.target == "first_response")
        running = await escalation.clock(complaint_id, "first_response")
        assert running["state"] == "running" and running["elapsed_minutes"] >= paused["elapsed_minutes"]

        await produce_event(producer, responded(complaint_id))
        first = await event_log.wait_for(complaint_id, SlaFulfilledV1, where=lambda e: e.target == "first_response")
        assert first[0].met is True and first[0].elapsed_minutes >= 1
        await produce_event(producer, resolved(complaint_id))
        done = await event_log.wait_for(complaint_id, SlaFulfilledV1, where=lambda e: e.target == "resolution")
        assert done[0].met is True
    final = await escalation.sla(complaint_id)
    assert {c["state"] for c in final["clocks"]} == {"fulfilled"} and final["policy_id"] == f"fast-{category}"


async def test_a_classification_before_the_arrival_is_counted_from_the_arrival(escalation, event_log, broker):
    category = unique("late-")
    await escalation.client.post("/v1/sla/policies", json=fast_policy(category))
    complaint_id, arrived = new_id(), ago(120)
    async with started_producer(broker.bootstrap) as producer:
        await produce_event(producer, classified(complaint_id, category=category))
        await event_log.wait_for(complaint_id, SlaStartedV1, count=2)
        await produce_event(producer, received(complaint_id, at=arrived))
    moved = await wait_until(lambda: _started_at(escalation, complaint_id, arrived), what="the clocks moved")
    assert moved
    # The due times already announced (intake promised them to the customer) are announced again, moved.
    recalculated = await event_log.wait_for(complaint_id, SlaRecalculatedV1, count=2)
    assert {e.target: e.due_at for e in recalculated} == {"first_response": arrived + timedelta(hours=1),
                                                          "resolution": arrived + timedelta(hours=2)}


async def _started_at(escalation, complaint_id, arrived) -> bool:
    clocks = (await escalation.sla(complaint_id)).get("clocks", [])
    return bool(clocks) and all(datetime.fromisoformat(c["started_at"]) == arrived for c in clocks)


async def test_withdrawal_cancels_every_open_clock_and_reopening_starts_a_new_resolution_clock(
        escalation, event_log, broker):
    category = unique("withdrawn-")
    await escalation.client.post("/v1/sla/policies", json=fast_policy(category))
    reopened, withdrawn = new_id(), new_id()
    async with started_producer(broker.bootstrap) as producer:
        for complaint_id in (reopened, withdrawn):
            await produce_event(producer, received(complaint_id))
            await produce_event(producer, classified(complaint_id, category=category))
        await produce_event(producer, ComplaintWithdrawnV1(complaint_id=withdrawn, reason="sorted out"))
        cancelled = await event_log.wait_for(withdrawn, SlaCancelledV1, count=2)
        assert {e.target for e in cancelled} == {"first_response", "resolution"}

        await produce_event(producer, responded(reopened))
        await produce_event(producer, resolved(reopened))
        await event_log.wait_for(reopened, SlaFulfilledV1, count=2)
        await produce_event(producer, status(reopened, Status.RESOLVED, Status.REOPENED))
        await event_log.wait_for(reopened, SlaStartedV1, count=3)
    clocks = (await escalation.sla(reopened))["clocks"]
    assert sorted((c["target"], c["state"]) for c in clocks) == [
        ("first_response", "fulfilled"), ("resolution", "fulfilled"), ("resolution", "running")]
