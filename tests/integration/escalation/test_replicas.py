"""Two escalation instances on one database: every warning, breach and escalation exactly once."""

import contextlib

from shared.contracts import REGISTRY
from shared.contracts.complaint import ComplaintEscalatedV1
from shared.contracts.sla import SlaBreachedV1, SlaStartedV1, SlaWarningV1
from tests.integration.escalation.builders import classified, fast_policy, new_id, received
from tests.integration.escalation.conftest import escalation_settings, running_escalation
from tests.support import group_at_end, produce_events, started_producer, unique, wait_until

COMPLAINTS = 30


async def test_two_instances_fire_each_timer_exactly_once(database_url, broker, event_log):
    group = await group_at_end(broker.bootstrap, REGISTRY.topics, prefix="escalation-pair-")
    settings = [escalation_settings(database_url, broker.bootstrap, consumer_group=group,
                                    sla_timer_batch_size=7, sla_timer_max_sleep_s=0.2) for _ in range(2)]
    category = unique("pair-")
    async with contextlib.AsyncExitStack() as stack:
        first = await stack.enter_async_context(running_escalation(settings[0]))
        second = await stack.enter_async_context(running_escalation(settings[1], migrate=False))
        created = await first.client.post("/v1/sla/policies", json=fast_policy(category, first_response_s=4,
                                                                                  thresholds=[50, 75]))
        assert created.status_code == 201
        ids = [new_id() for _ in range(COMPLAINTS)]
        async with started_producer(broker.bootstrap) as producer:
            await produce_events(producer, [received(i) for i in ids])
            await produce_events(producer, [classified(i, category=category) for i in ids])
        for complaint_id in ids:
            await event_log.wait_for(complaint_id, SlaStartedV1, count=2)
            await event_log.wait_for(complaint_id, ComplaintEscalatedV1)
        await wait_until(lambda: _all_sent(first), what="the outbox to drain")
        assert await second.outbox_count(SlaBreachedV1.ce_type, ids[0]) == 1
    for complaint_id in ids:
        assert sorted(e.threshold_percent for e in event_log.of(complaint_id, SlaWarningV1)) == [50, 75]
        assert len(event_log.of(complaint_id, SlaBreachedV1)) == 1
        assert len(event_log.of(complaint_id, ComplaintEscalatedV1)) == 1
        for ce_type, expected in ((SlaWarningV1.ce_type, 2), (SlaBreachedV1.ce_type, 1),
                                  (ComplaintEscalatedV1.ce_type, 1)):
            assert await first.outbox_count(ce_type, complaint_id) == expected


async def _all_sent(service) -> bool:
    from sqlalchemy import func, select

    from shared.messaging.tables import outbox

    async with service.database.reading() as connection:
        return not await connection.scalar(select(func.count()).select_from(outbox).where(outbox.c.sent_at.is_(None)))
