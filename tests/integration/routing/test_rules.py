"""Rules managed through HTTP, audited, and applied to the complaints that arrive."""

from tests.integration.routing.builders import a_received_complaint
from tests.integration.routing.conftest import events_of

MEDIA_RULE = {"name": "Press threats go to the VIP desk", "position": 10,
              "conditions": {"channels": ["social"], "keywords": ["journalist", "媒体"]},
              "actions": {"category": "service_attitude", "priority": "urgent", "team_id": "demo-vip",
                          "tags": ["press"]}}


async def test_a_rule_sets_category_priority_team_and_tags_and_every_change_is_audited(routing):
    client = routing.client
    created = await client.post("/v1/rules", json=MEDIA_RULE, headers={"X-Actor": "ops-lead"})
    assert created.status_code == 201, created.text
    rule_id = created.json()["id"]

    matching = a_received_complaint(channel="social", subject="Bad service",
                                    description="I am a journalist and the delivery driver shouted at me.")
    other = a_received_complaint(channel="web", subject="Bad service", description="I am a journalist.")
    await routing.receive(matching)
    await routing.receive(other)
    case = await routing.case_when(matching.complaint_id, lambda c: c["agent_id"], what="assignment")
    assert (case["category"], case["priority"], case["team_id"]) == ("service_attitude", "urgent", "demo-vip")
    assert "press" in case["tags"] and case["classification_source"] == "rule"
    classified = (await events_of(routing.bootstrap, matching.complaint_id, count=1))[0]
    assert classified.source == "rule" and classified.confidence == 1.0 and "press" in classified.tags
    untouched = await routing.case_when(other.complaint_id, lambda c: c["team_id"], what="the other is placed")
    assert untouched["team_id"] != "demo-vip" and "press" not in untouched["tags"]

    changed = await client.put(f"/v1/rules/{rule_id}", json={**MEDIA_RULE, "enabled": False, "actor": "ops-lead"})
    assert changed.status_code == 200 and changed.json()["enabled"] is False
    assert (await client.delete(f"/v1/rules/{rule_id}", headers={"X-Actor": "ops-head"})).status_code == 204
    trail = (await client.get("/v1/rules/audit", params={"rule_id": rule_id})).json()
    assert [(a["action"], a["actor"]) for a in trail][::-1] == [("created", "ops-lead"), ("updated", "ops-lead"),
                                                                ("deleted", "ops-head")]
    assert trail[-1]["after"]["enabled"] is True and trail[0]["after"] is None
    assert (await client.get(f"/v1/rules/{rule_id}")).status_code == 404


async def test_bad_rules_are_refused_and_leave_no_trace(routing):
    client = routing.client
    no_actor = await client.post("/v1/rules", json={**MEDIA_RULE, "actor": ""})
    ghost_team = await client.post("/v1/rules", headers={"X-Actor": "a"},
                                   json={**MEDIA_RULE, "actions": {"team_id": "ghost"}})
    does_nothing = await client.post("/v1/rules", headers={"X-Actor": "a"}, json={**MEDIA_RULE, "actions": {}})
    bad_category = await client.post("/v1/rules", headers={"X-Actor": "a"},
                                     json={**MEDIA_RULE, "actions": {"category": "weather"}})
    for response in (no_actor, ghost_team, does_nothing, bad_category):
        assert response.status_code == 422, response.text
    assert (await client.get("/v1/rules")).json() == []
    assert (await client.get("/v1/rules/audit")).json() == []
