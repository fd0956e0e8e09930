"""Capacity holds when two replicas of routing, sharing one database, assign 200 complaints arriving at once."""

import asyncio
import contextlib

from sqlalchemy import func, select

from services.routing.cases.models import Case
from services.routing.org.models import Agent
from shared.messaging.cloudevents import envelope
from tests.integration.routing.builders import a_received_complaint, a_team, an_agent
from tests.integration.routing.conftest import group_at_end, routing_settings, running_routing
from tests.support import started_producer, wait_until

ARRIVALS = 200


def applied(replica) -> float:
    labels = {"type": "redress.complaint.received.v1", "outcome": "applied"}
    return replica.app.state.runtime.metrics.registry.get_sample_value("redress_events_consumed_total", labels) or 0


async def test_two_replicas_never_give_an_agent_more_than_capacity(database_url, broker):
    group = await group_at_end(broker.bootstrap)
    settings = routing_settings(database_url, broker.bootstrap, group=group, demo_org=False)
    async with contextlib.AsyncExitStack() as stack:
        first = await stack.enter_async_context(running_routing(settings))
        second = await stack.enter_async_context(running_routing(settings, migrate=False))
        agents = [an_agent(f"a{n}", "desk", capacity=7) for n in range(6)]
        response = await first.client.post("/v1/org:import", json={"teams": [a_team("desk")], "agents": agents})
        assert response.status_code == 200
        await wait_until(lambda: all(r.app.state.runtime.consumer.assigned.is_set() for r in (first, second)),
                         what="both replicas in the group")
        complaints = [a_received_complaint() for _ in range(ARRIVALS)]
        async with started_producer(broker.bootstrap) as producer:
            sent = [envelope(event, source="test") for event in complaints]
            futures = [await producer.send(e.topic, e.value, key=e.key.encode(), headers=e.headers())
                       for e in sent]
            await asyncio.gather(*futures)
        database = first.app.state.runtime.database
        ids = [c.complaint_id for c in complaints]

        async def all_placed() -> bool:
            async with database.sessions() as session:
                somewhere = Case.agent_id.is_not(None) | Case.queued_at.is_not(None)
                placed = select(func.count()).select_from(Case).where(Case.id.in_(ids), Case.team_id == "desk",
                                                                      somewhere)
                return await session.scalar(placed) == ARRIVALS

        await wait_until(all_placed, within=120, what=f"{ARRIVALS} cases placed")
        async with database.sessions() as session:
            counters = {a.id: (a.open_cases, a.capacity) for a in (await session.scalars(select(Agent))).all()}
            held = dict((await session.execute(select(Case.agent_id, func.count()).where(
                Case.agent_id.is_not(None)).group_by(Case.agent_id))).all())
    assert all(applied(replica) > 0 for replica in (first, second)), "both replicas assigned complaints"
    assert all(open_cases <= capacity for open_cases, capacity in counters.values())
    assert {agent: open_cases for agent, (open_cases, _) in counters.items()} == {a: held.get(a, 0) for a in counters}
    # More arrivals than room: every agent is full, exactly.
    assert all(open_cases == capacity for open_cases, capacity in counters.values())
