"""A case on hold off the real broker: routing's complaint.held pauses the open clocks, complaint.hold-released
resumes them; a hold and awaiting the customer each keep the clocks paused until both are over."""

from datetime import UTC, datetime

from shared.contracts.complaint import ComplaintHeldV1, ComplaintHoldReleasedV1, Status
from shared.contracts.sla import SlaPausedV1, SlaResumedV1, SlaStartedV1
from tests.integration.escalation.builders import classified, fast_policy, new_id, received, status
from tests.support import produce_event, started_producer, unique


async def started_complaint(escalation, event_log, producer):
    category = unique("held-")
    assert (await escalation.client.post("/v1/sla/policies", json=fast_policy(category))).status_code == 201
    complaint_id = new_id()
    await produce_event(producer, received(complaint_id))
    await produce_event(producer, classified(complaint_id, category=category))
    await event_log.wait_for(complaint_id, SlaStartedV1, count=2)
    return complaint_id


def held(complaint_id):
    return ComplaintHeldV1(complaint_id=complaint_id, reason="waiting for the supplier", actor="agent-1")


def released(complaint_id):
    return ComplaintHoldReleasedV1(complaint_id=complaint_id, actor="agent-1", occurred_at=datetime.now(UTC))


async def test_a_hold_pauses_the_clocks_and_only_its_release_resumes_them(escalation, event_log, broker):
    async with started_producer(broker.bootstrap) as producer:
        complaint_id = await started_complaint(escalation, event_log, producer)
        hold = held(complaint_id)
        await produce_event(producer, hold)
        paused = await event_log.wait_for(complaint_id, SlaPausedV1, count=2)
        assert {e.target for e in paused} == {"first_response", "resolution"}
        view = await escalation.sla(complaint_id)
        assert {c["state"] for c in view["clocks"]} == {"paused"}
        assert datetime.fromisoformat(view["held_since"]) == hold.occurred_at

        # Leaving awaiting_customer while on hold does not restart the clocks: the hold still holds them.
        await produce_event(producer, status(complaint_id, Status.IN_PROGRESS, Status.AWAITING_CUSTOMER))
        await produce_event(producer, status(complaint_id, Status.AWAITING_CUSTOMER, Status.IN_PROGRESS))
        release = released(complaint_id)
        await produce_event(producer, release)
        resumed = await event_log.wait_for(complaint_id, SlaResumedV1, count=2)
    assert {(e.target, e.occurred_at) for e in resumed} == {("first_response", release.occurred_at),
                                                            ("resolution", release.occurred_at)}
    assert len(event_log.of(complaint_id, SlaPausedV1)) == 2
    view = await escalation.sla(complaint_id)
    assert view["held_since"] is None and {c["state"] for c in view["clocks"]} == {"running"}


async def test_a_release_while_the_customer_is_awaited_keeps_the_clocks_paused(escalation, event_log, broker):
    async with started_producer(broker.bootstrap) as producer:
        complaint_id = await started_complaint(escalation, event_log, producer)
        await produce_event(producer, held(complaint_id))
        await produce_event(producer, status(complaint_id, Status.IN_PROGRESS, Status.AWAITING_CUSTOMER))
        await produce_event(producer, released(complaint_id))
        back = status(complaint_id, Status.AWAITING_CUSTOMER, Status.IN_PROGRESS)
        await produce_event(producer, back)
        resumed = await event_log.wait_for(complaint_id, SlaResumedV1, count=2)
    assert {e.occurred_at for e in resumed} == {back.occurred_at}
    assert len(event_log.of(complaint_id, SlaPausedV1)) == 2
