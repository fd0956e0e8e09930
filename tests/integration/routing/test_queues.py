"""Teams, agents and queues through HTTP: capacity, presence, freeing up, escalation, hand assignment."""

from shared.contracts.complaint import ComplaintEscalatedV1, ComplaintWithdrawnV1
from tests.integration.routing.builders import a_received_complaint, a_team, an_agent
from tests.integration.routing.conftest import events_of, names


async def build(routing, teams, agents):
    response = await routing.client.post("/v1/org:import", json={"teams": teams, "agents": agents})
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_full_agent_leaves_the_case_in_the_queue_until_a_case_is_withdrawn(bare_routing):
    routing = bare_routing
    await build(routing, [a_team("desk")], [an_agent("solo", "desk", capacity=1)])
    first, second = a_received_complaint(), a_received_complaint()
    await routing.receive(first)
    await routing.case_when(first.complaint_id, lambda c: c["agent_id"] == "solo", what="the first is assigned")
    await routing.receive(second)
    waiting = await routing.case_when(second.complaint_id, lambda c: c["status"] == "assigned", what="queued")
    assert (waiting["team_id"], waiting["agent_id"]) == ("desk", None) and waiting["queued_at"]

    await routing.receive(ComplaintWithdrawnV1(complaint_id=first.complaint_id, reason="sorted out"))

    taken = await routing.case_when(second.complaint_id, lambda c: c["agent_id"] == "solo", what="taken over")
    assert taken["queued_at"] is None and taken["transfers"] == 0
    assert (await routing.case(first.complaint_id))["status"] == "withdrawn"
    assert (await routing.client.get("/v1/agents/solo")).json()["open_cases"] == 1
    events = await events_of(routing.bootstrap, second.complaint_id, count=5)
    assert names(events) == ["Classified", "StatusChanged", "Assigned", "StatusChanged", "Assigned"]
    assert [e.agent_id for e in events if names([e]) == ["Assigned"]] == [None, "solo"]


async def test_an_agent_coming_online_takes_the_waiting_cases(bare_routing):
    routing = bare_routing
    await build(routing, [a_team("desk")], [an_agent("later", "desk", presence="offline")])
    received = a_received_complaint()
    await routing.receive(received)
    await routing.case_when(received.complaint_id, lambda c: c["queued_at"], what="queued")

    response = await routing.client.put("/v1/agents/later/presence", json={"presence": "online"})

    assert response.status_code == 200 and response.json()["open_cases"] == 1
    assert (await routing.case(received.complaint_id))["agent_id"] == "later"


async def test_an_escalation_moves_the_case_to_the_team_lead(bare_routing):
    routing = bare_routing
    await build(routing, [a_team("desk")], [an_agent("worker", "desk"), an_agent("lead", "desk", role="team_lead"),
                                            an_agent("boss", "desk", role="manager")])
    received = a_received_complaint()
    await routing.receive(received)
    await routing.case_when(received.complaint_id, lambda c: c["agent_id"] == "worker", what="assigned")

    await routing.receive(ComplaintEscalatedV1(complaint_id=received.complaint_id, level=1, reason="breach"))
    case = await routing.case_when(received.complaint_id, lambda c: c["agent_id"] == "lead", what="escalated")
    assert (case["escalation_level"], case["transfers"], case["required_role"]) == (1, 1, "team_lead")
    await routing.receive(ComplaintEscalatedV1(complaint_id=received.complaint_id, level=2, reason="still late"))
    await routing.case_when(received.complaint_id, lambda c: c["agent_id"] == "boss", what="to the manager")

    events = await events_of(routing.bootstrap, received.complaint_id, count=6)
    moved = [e for e in events if names([e]) == ["Assigned"]][1:]
    assert [(e.previous_agent_id, e.agent_id, e.transfers) for e in moved] == [("worker", "lead", 1),
                                                                                ("lead", "boss", 2)]
    agents = {a["id"]: a["open_cases"] for a in (await routing.client.get("/v1/agents")).json()}
    assert agents == {"worker": 0, "lead": 0, "boss": 1}


async def test_a_supervisor_reassigns_by_hand_within_capacity(bare_routing):
    routing = bare_routing
    await build(routing, [a_team("desk"), a_team("other")],
                [an_agent("a", "desk"), an_agent("b", "other", capacity=1, presence="away")])
    received = a_received_complaint()
    await routing.receive(received)
    await routing.case_when(received.complaint_id, lambda c: c["agent_id"] == "a", what="assigned")
    path = f"/v1/cases/{received.complaint_id}/assignment"

    moved = await routing.client.post(path, json={"agent_id": "b", "actor": "lead", "reason": "knows the product"})
    assert moved.status_code == 200, moved.text
    assert (moved.json()["team_id"], moved.json()["agent_id"], moved.json()["transfers"]) == ("other", "b", 1)
    other = a_received_complaint()
    await routing.receive(other)
    await routing.case_when(other.complaint_id, lambda c: c["agent_id"] == "a", what="the next one")
    full = await routing.client.post(f"/v1/cases/{other.complaint_id}/assignment", json={"agent_id": "b"},
                                     headers={"X-Actor": "lead"})
    assert full.status_code == 409 and "no room" in full.json()["detail"]
    assert (await routing.case(other.complaint_id))["agent_id"] == "a"


async def test_the_same_organisation_imported_twice_changes_nothing(bare_routing):
    teams, agents = [a_team("desk"), a_team("sos", kind="emergency")], [an_agent("a", "desk")]
    first = await build(bare_routing, teams, agents)
    again = await build(bare_routing, teams, agents)
    assert first == {"teams": {"created": 2, "updated": 0, "unchanged": 0},
                     "agents": {"created": 1, "updated": 0, "unchanged": 0}}
    assert again == {"teams": {"created": 0, "updated": 0, "unchanged": 2},
                     "agents": {"created": 0, "updated": 0, "unchanged": 1}}


async def test_the_demo_organisation_is_there_once(routing):
    teams = (await routing.client.get("/v1/teams")).json()
    kinds = {t["kind"] for t in teams}
    assert {"standard", "emergency", "triage", "priority"} <= kinds
    from services.routing.org.service import ensure_demo_org

    uow = routing.app.state.runtime.new_uow()
    await ensure_demo_org(uow)
    assert (await routing.client.get("/v1/teams")).json() == teams


async def test_skills_relax_after_the_teams_wait_and_the_sweep_places_the_case(bare_routing):
    routing = bare_routing
    await build(routing, [a_team("desk", relax_after_s=1)], [an_agent("biller", "desk", categories=["billing"])])
    received = a_received_complaint()  # about a late delivery: no billing
    await routing.receive(received)
    waiting = await routing.case_when(received.complaint_id, lambda c: c["queued_at"], what="queued")
    assert waiting["category"] == "delivery"

    taken = await routing.case_when(received.complaint_id, lambda c: c["agent_id"] == "biller",
                                    what="taken once the skills relax")
    assert taken["queued_at"] is None
