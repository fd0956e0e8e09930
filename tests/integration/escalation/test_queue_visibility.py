"""Per-queue visibility of SLA status, on the real database and broker: an agent reads and escalates the SLA of
the complaints assigned to them or waiting in their queues, a supervisor with queues those of the queues; any
other complaint answers 404 as a missing one does."""

from shared.auth.provision import grant
from shared.auth.roles import Role
from shared.contracts.complaint import ComplaintAssignedV1
from tests.integration.escalation.builders import new_id, received
from tests.support import produce_event, started_producer, unique, wait_until


async def _assigned(escalation, complaint_id, team_id: str, agent_id: str | None) -> None:
    async def recorded() -> bool:
        sla = await escalation.client.get(f"/v1/complaints/{complaint_id}/sla")
        return sla.status_code == 200 and sla.json()["team_id"] == team_id

    await wait_until(recorded, within=30, what=f"{complaint_id} assigned to {team_id}")


async def test_agents_and_queued_supervisors_see_only_their_queues_and_their_own(escalation, broker):
    north, south, ann = unique("north-"), unique("south-"), unique("ann-")
    own, colleague, elsewhere = new_id(), new_id(), new_id()
    async with started_producer(broker.bootstrap) as producer:
        for complaint_id, team, agent in ((own, north, ann), (colleague, north, "nick"), (elsewhere, south, "sam")):
            await produce_event(producer, received(complaint_id))
            await produce_event(producer, ComplaintAssignedV1(complaint_id=complaint_id, team_id=team, agent_id=agent))
    for complaint_id, team, agent in ((own, north, ann), (colleague, north, "nick"), (elsewhere, south, "sam")):
        await _assigned(escalation, complaint_id, team, agent)
    url = [escalation.settings.resolved_database_url]

    async with escalation.client_with(await grant(url, Role.AGENT, name=ann, queues=(north,))) as agent:
        assert [(await agent.get(f"/v1/complaints/{c}/sla")).status_code for c in (own, colleague, elsewhere)] == [
            200, 200, 404]
        refused = await agent.post(f"/v1/complaints/{elsewhere}/escalations", json={"reason": "peek"})
        assert refused.status_code == 404, refused.text
    async with escalation.client_with(await grant(url, Role.AGENT, name=ann)) as unqueued:
        assert [(await unqueued.get(f"/v1/complaints/{c}/sla")).status_code for c in (own, colleague)] == [200, 404]
    async with escalation.client_with(await grant(url, Role.SUPERVISOR, name="lead", queues=(south,))) as lead:
        assert [(await lead.get(f"/v1/complaints/{c}/sla")).status_code for c in (own, elsewhere)] == [404, 200]
    async with escalation.client_with(await grant(url, Role.SUPERVISOR, name="head")) as head:
        assert {(await head.get(f"/v1/complaints/{c}/sla")).status_code for c in (own, elsewhere)} == {200}

    assert (await escalation.client.get(f"/v1/complaints/{elsewhere}/sla")).json()["escalation_level"] == 0
