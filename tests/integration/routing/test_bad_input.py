"""Bad requests get a clear problem+json answer and change nothing."""

from uuid import uuid4

from tests.integration.routing.builders import a_received_complaint


async def test_an_unknown_case_is_404(routing):
    response = await routing.client.post(f"/v1/cases/{uuid4()}/acceptance", headers={"X-Actor": "x"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_an_illegal_step_is_409_and_changes_nothing(routing):
    received = a_received_complaint()
    await routing.receive(received)
    case = await routing.case_when(received.complaint_id, lambda c: c["agent_id"], what="assignment")
    before = await routing.case(received.complaint_id)

    response = await routing.client.post(
        f"/v1/cases/{received.complaint_id}/resolution", headers={"X-Actor": case["agent_id"]},
        json={"resolution": "done", "resolution_code": "refund", "root_cause": "unknown"})

    assert response.status_code == 409
    assert response.json()["title"] == "Illegal state transition"
    assert (response.json()["current"], response.json()["target"]) == ("assigned", "resolved")
    assert await routing.case(received.complaint_id) == before
    respond = await routing.client.post(f"/v1/cases/{received.complaint_id}/responses",
                                        headers={"X-Actor": "x"}, json={"message": "hi"})
    assert respond.status_code == 409


async def test_unclear_requests_are_422(routing):
    received = a_received_complaint()
    await routing.receive(received)
    case = await routing.case_when(received.complaint_id, lambda c: c["agent_id"], what="assignment")
    path, actor = f"/v1/cases/{received.complaint_id}", {"X-Actor": case["agent_id"]}
    await routing.client.post(f"{path}/acceptance", headers=actor)
    before = await routing.case(received.complaint_id)

    bad_code = await routing.client.post(f"{path}/resolution", headers=actor,
                                         json={"resolution": "x", "resolution_code": "magic", "root_cause": "unknown"})
    bad_template = await routing.client.post(f"{path}/responses", headers=actor, json={"template": "nope"})
    missing_variable = await routing.client.post(f"{path}/responses", headers=actor,
                                                 json={"template": "resolution_offered"})
    both = await routing.client.post(f"{path}/responses", headers=actor, json={"message": "a", "template": "apology"})
    bad_category = await routing.client.post(f"{path}/classification", headers=actor, json={"category": "weather"})
    bad_cursor = await routing.client.get("/v1/cases", params={"cursor": "garbage"})

    for response in (bad_code, bad_template, missing_variable, both, bad_category, bad_cursor):
        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
    assert "offer" in missing_variable.json()["detail"]
    assert await routing.case(received.complaint_id) == before


async def test_without_an_actor_the_authenticated_caller_acts(routing):
    received = a_received_complaint()
    await routing.receive(received)
    await routing.case_when(received.complaint_id, lambda c: c["agent_id"], what="assignment")

    note = await routing.client.post(f"/v1/cases/{received.complaint_id}/notes", json={"text": "hello"})

    assert note.status_code == 201, note.text
    assert note.json()["author"] == "tests"  # the name of the conftest's key


async def test_bad_organisation_input_is_refused(bare_routing):
    client = bare_routing.client
    unknown_team = await client.put("/v1/agents/a", json={"name": "A", "team_id": "ghost"})
    created = await client.post("/v1/teams", json={"id": "t", "name": "T"})
    assert created.status_code == 201
    twice = await client.post("/v1/teams", json={"id": "t", "name": "T"})
    zone = await client.put("/v1/agents/a", json={"name": "A", "team_id": "t", "timezone": "Mars/Base"})
    category = await client.put("/v1/teams/t", json={"name": "T", "categories": ["weather"]})
    strategy = await client.put("/v1/teams/t", json={"name": "T", "strategy": "random"})

    assert unknown_team.status_code == 422 and "ghost" in unknown_team.json()["detail"]
    assert twice.status_code == 409
    assert zone.status_code == 422 and "Mars/Base" in zone.json()["detail"]
    assert category.status_code == 422 and strategy.status_code == 422
    assert (await client.get("/v1/agents/a")).status_code == 404
    assert (await client.get("/v1/teams/t")).json()["categories"] == []


async def test_cases_are_listed_with_filters_and_pages(routing):
    ids = []
    for _ in range(3):
        received = a_received_complaint(subject="Refund", description="I want my refund for the overcharge.")
        await routing.receive(received)
        ids.append(str(received.complaint_id))
    for complaint_id in ids:
        await routing.case_when(complaint_id, lambda c: c["agent_id"], what="assignment")

    seen, cursor = [], None
    while True:
        params = {"category": "billing", "team_id": "demo-billing", "limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = (await routing.client.get("/v1/cases", params=params)).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert set(ids) <= set(seen) and len(seen) == len(set(seen))
    none = (await routing.client.get("/v1/cases", params={"needs_triage": True, "category": "billing"})).json()
    assert none["items"] == []
