"""Per-queue visibility through HTTP: an agent's key reaches the cases assigned to the agent and those of its
queues, lists only those, and gets 404 for any other case, as if it did not exist."""

from uuid import UUID, uuid4

from shared.auth.roles import Role
from tests.integration.routing.builders import a_received_complaint, a_team, an_agent


async def placed(routing, agent_id: str) -> UUID:
    """A received complaint's case, assigned by hand to `agent_id`."""
    received = a_received_complaint()
    await routing.receive(received)
    case = await routing.case_when(received.complaint_id, lambda c: c["agent_id"], what="assignment")
    if case["agent_id"] != agent_id:
        moved = await routing.client.post(f"/v1/cases/{received.complaint_id}/assignment",
                                          json={"agent_id": agent_id, "actor": "lead"})
        assert moved.status_code == 200, moved.text
    return received.complaint_id


async def listed(client, team_id: str) -> set[UUID]:
    response = await client.get("/v1/cases", params={"team_id": team_id, "limit": 200})
    assert response.status_code == 200, response.text
    return {UUID(item["id"]) for item in response.json()["items"]}


async def test_an_agent_reaches_its_own_cases_and_its_queues_not_another_queue(bare_routing):
    routing, tag = bare_routing, uuid4().hex[:8]
    north, south, ann, nick, sam = f"north-{tag}", f"south-{tag}", f"ann-{tag}", f"nick-{tag}", f"sam-{tag}"
    built = await routing.client.post("/v1/org:import", json={
        "teams": [a_team(north), a_team(south)],
        "agents": [an_agent(ann, north), an_agent(nick, north), an_agent(sam, south)]})
    assert built.status_code == 200, built.text
    own, colleague, elsewhere = await placed(routing, ann), await placed(routing, nick), await placed(routing, sam)

    async with routing.client_with(await routing.grant(Role.AGENT, name=ann, queues=(north,))) as agent:
        assert await listed(agent, north) == {own, colleague}
        assert await listed(agent, south) == set()
        assert (await agent.get(f"/v1/cases/{colleague}")).status_code == 200
        note = await agent.post(f"/v1/cases/{colleague}/notes", json={"text": "I can help"})
        assert note.status_code == 201 and note.json()["author"] == ann
        for outside in (elsewhere, uuid4()):
            got = await agent.get(f"/v1/cases/{outside}")
            assert got.status_code == 404 and got.json()["detail"] == f"no case {outside}"
        assert (await agent.post(f"/v1/cases/{elsewhere}/notes", json={"text": "peek"})).status_code == 404
        assert (await agent.get(f"/v1/cases/{elsewhere}/suggestions")).status_code == 404
        merged = await agent.post(f"/v1/cases/{own}/merge", json={"into_complaint_id": str(elsewhere)})
        assert merged.status_code == 404
        reassigned = await agent.post(f"/v1/cases/{own}/assignment", json={"agent_id": nick})
        assert reassigned.status_code == 403

    async with routing.client_with(await routing.grant(Role.AGENT, name=ann)) as unqueued:
        assert await listed(unqueued, north) == {own}
        assert (await unqueued.get(f"/v1/cases/{colleague}")).status_code == 404

    assert [entry["kind"] for entry in (await routing.case(elsewhere))["history"]].count("note") == 0
    assert (await routing.case(own))["status"] != "closed"


async def test_a_supervisor_sees_its_queues_or_with_none_every_queue(bare_routing):
    routing, tag = bare_routing, uuid4().hex[:8]
    north, south = f"north-{tag}", f"south-{tag}"
    built = await routing.client.post("/v1/org:import", json={
        "teams": [a_team(north), a_team(south)],
        "agents": [an_agent(f"ann-{tag}", north), an_agent(f"sam-{tag}", south)]})
    assert built.status_code == 200, built.text
    in_north, in_south = await placed(routing, f"ann-{tag}"), await placed(routing, f"sam-{tag}")

    async with routing.client_with(await routing.grant(Role.SUPERVISOR, name="lead", queues=(south,))) as lead:
        assert await listed(lead, north) == set() and await listed(lead, south) == {in_south}
        assert (await lead.get(f"/v1/cases/{in_north}")).status_code == 404
    async with routing.client_with(await routing.grant(Role.SUPERVISOR, name="head")) as head:
        assert await listed(head, north) == {in_north} and await listed(head, south) == {in_south}


async def test_an_agent_sets_its_own_presence_only(bare_routing):
    routing, tag = bare_routing, uuid4().hex[:8]
    ann, bob = f"ann-{tag}", f"bob-{tag}"
    built = await routing.client.post("/v1/org:import", json={
        "teams": [a_team(f"desk-{tag}")], "agents": [an_agent(ann, f"desk-{tag}"), an_agent(bob, f"desk-{tag}")]})
    assert built.status_code == 200, built.text

    async with routing.client_with(await routing.grant(Role.AGENT, name=ann)) as agent:
        own = await agent.put(f"/v1/agents/{ann}/presence", json={"presence": "away"})
        other = await agent.put(f"/v1/agents/{bob}/presence", json={"presence": "offline"})

    assert own.status_code == 200 and own.json()["presence"] == "away"
    assert other.status_code == 404
    assert (await routing.client.get(f"/v1/agents/{bob}")).json()["presence"] == "online"


async def test_a_supervisor_with_queues_sets_the_presence_of_their_agents_only(bare_routing):
    routing, tag = bare_routing, uuid4().hex[:8]
    north, south, ann, sam = f"north-{tag}", f"south-{tag}", f"ann-{tag}", f"sam-{tag}"
    built = await routing.client.post("/v1/org:import", json={
        "teams": [a_team(north), a_team(south)], "agents": [an_agent(ann, north), an_agent(sam, south)]})
    assert built.status_code == 200, built.text

    async with routing.client_with(await routing.grant(Role.SUPERVISOR, name="lead", queues=(north,))) as lead:
        theirs = await lead.put(f"/v1/agents/{ann}/presence", json={"presence": "away"})
        outside = await lead.put(f"/v1/agents/{sam}/presence", json={"presence": "offline"})
    async with routing.client_with(await routing.grant(Role.SUPERVISOR, name="head")) as head:
        anyone = await head.put(f"/v1/agents/{sam}/presence", json={"presence": "away"})

    assert theirs.status_code == 200 and theirs.json()["presence"] == "away"
    assert outside.status_code == 404, outside.text
    assert anyone.status_code == 200 and anyone.json()["presence"] == "away"
