"""Policies, calendars and the ladder through HTTP: defaults shipped, edits audited, bad input refused."""

from uuid import uuid4

import pytest

PROBLEM = "application/problem+json"
WEEKDAYS = {"timezone": "Europe/Berlin", "weekly_hours": {"mon": [["08:00", "16:00"]]}, "closed_dates": ["2026-12-24"]}


def policy(**fields):
    return {"id": "vip", "name": "VIP", "position": 5, "conditions": {"customer_tier": ["gold"]},
            "targets": {"first_response": {"minutes": 30, "business_hours": False, "calendar": "24x7"}}, **fields}


async def test_defaults_are_shipped(escalation):
    policies = (await escalation.client.get("/v1/sla/policies")).json()
    by_id = {p["id"]: p for p in policies}
    assert [p["id"] for p in policies] == ["critical", "urgent", "high", "standard"]
    assert by_id["critical"]["targets"]["first_response"] == {"minutes": 60, "business_hours": False,
                                                              "calendar": "24x7"}
    assert by_id["urgent"]["targets"]["first_response"]["minutes"] == 240
    # The common promise: a first response within 24 hours, whatever the day of the week.
    assert by_id["standard"]["targets"]["first_response"] == {"minutes": 1440, "business_hours": False,
                                                              "calendar": "24x7"}
    assert by_id["high"]["targets"]["first_response"] == {"minutes": 480, "business_hours": False,
                                                          "calendar": "24x7"}
    assert by_id["standard"]["targets"]["resolution"]["business_hours"] is True
    assert by_id["standard"]["warning_thresholds"] == [75, 90]
    calendars = {c["name"] for c in (await escalation.client.get("/v1/sla/calendars")).json()}
    assert calendars == {"cn-standard", "us-standard", "24x7"}
    levels = (await escalation.client.get("/v1/sla/escalation-levels")).json()
    assert [(level["level"], level["role"]) for level in levels] == [(1, "team_lead"), (2, "manager"),
                                                                     (3, "director")]


async def test_every_change_is_audited_with_who_before_and_after(escalation):
    client = escalation.client
    created = await client.post("/v1/sla/calendars", json={"name": "berlin", "definition": WEEKDAYS},
                                headers={"X-Actor": "ana"})
    assert created.status_code == 201 and created.json()["definition"]["weekly_hours"] == {"mon": [["08:00", "16:00"]]}
    target = {"minutes": 60, "business_hours": True, "calendar": "berlin"}
    assert (await client.post("/v1/sla/policies", json=policy(targets={"resolution": target}),
                              headers={"X-Actor": "ana"})).status_code == 201
    replacement = {key: value for key, value in policy(name="VIP+").items() if key != "id"}
    changed = await client.put("/v1/sla/policies/vip", json=replacement, headers={"X-Actor": "bo"})
    assert changed.status_code == 200 and changed.json()["version"] == 2
    assert (await client.delete("/v1/sla/policies/vip")).status_code == 204  # no X-Actor: the key's name
    trail = (await client.get("/v1/sla/audit", params={"entity": "policy", "entity_id": "vip"})).json()
    assert [(e["action"], e["actor"]) for e in trail] == [("delete", "tests"), ("update", "bo"), ("create", "ana")]
    assert trail[1]["before"]["name"] == "VIP" and trail[1]["after"]["name"] == "VIP+"
    assert trail[0]["after"] is None and trail[2]["before"] is None
    calendar_trail = (await client.get("/v1/sla/audit", params={"entity": "calendar"})).json()
    assert [(e["entity_id"], e["actor"]) for e in calendar_trail] == [("berlin", "ana")]


@pytest.mark.parametrize(("body", "fragment"), [
    (policy(targets={"first_response": {"minutes": 0, "business_hours": False, "calendar": "24x7"}}), "minutes"),
    (policy(warning_thresholds=[75, 120]), "1 to 99"),
    (policy(warning_thresholds=[75, 75]), "differ"),
    (policy(targets={}), "targets"),
    (policy(targets={"lunch": {"minutes": 5}}), "lunch"),
    (policy(conditions={"priority": ["whenever"]}), "priority"),
    (policy(conditions={"colour": ["red"]}), "colour"),
    (policy(id="no spaces please"), "id"),
    (policy(targets={"resolution": {"minutes": 5, "starts_at": "classified"}}), "starts_at"),
    (policy(targets={"next_response": {"minutes": 5, "starts_at": "assigned"}}), "next_response starts on each"),
])
async def test_bad_policies_are_refused_and_change_nothing(escalation, body, fragment):
    answer = await escalation.client.post("/v1/sla/policies", json=body)
    assert answer.status_code == 422 and answer.headers["content-type"].startswith(PROBLEM)
    assert fragment in answer.text
    assert "vip" not in {p["id"] for p in (await escalation.client.get("/v1/sla/policies")).json()}
    assert (await escalation.client.get("/v1/sla/audit")).json() == []


async def test_conflicts_and_unknown_names_are_clear(escalation):
    client = escalation.client
    unknown_calendar = policy(targets={"resolution": {"minutes": 5, "business_hours": True, "calendar": "mars"}})
    answer = await client.post("/v1/sla/policies", json=unknown_calendar)
    assert answer.status_code == 422 and "mars" in answer.json()["detail"]
    assert (await client.post("/v1/sla/policies", json=policy())).status_code == 201
    duplicate = await client.post("/v1/sla/policies", json=policy())
    assert duplicate.status_code == 409 and "exists already" in duplicate.json()["detail"]
    in_use = await client.delete("/v1/sla/calendars/cn-standard")
    assert in_use.status_code == 409 and "standard" in in_use.json()["detail"]
    assert (await client.get("/v1/sla/policies/nobody")).status_code == 404
    assert (await client.get(f"/v1/complaints/{uuid4()}/sla")).status_code == 404
    assert (await client.post(f"/v1/complaints/{uuid4()}/escalations", json={"reason": "x"})).status_code == 404
    assert (await client.post(f"/v1/complaints/{uuid4()}/escalations", json={})).status_code == 422
    gap = await client.put("/v1/sla/escalation-levels/5", json={"role": "ceo"})
    assert gap.status_code == 409 and "next level of the ladder is 4" in gap.json()["detail"]
    middle = await client.delete("/v1/sla/escalation-levels/2")
    assert middle.status_code == 409


@pytest.mark.parametrize(("definition", "fragment"), [
    ({"timezone": "Mars/Olympus", "weekly_hours": {}}, "Mars/Olympus"),
    ({"timezone": "UTC", "weekly_hours": {"mon": [["18:00", "09:00"]]}}, "must start before it ends"),
    ({"weekly_hours": {}}, "timezone"),
    ({"timezone": "UTC", "weekly_hours": {}, "moon_phase": 3}, "moon_phase"),
])
async def test_bad_calendars_are_refused(escalation, definition, fragment):
    answer = await escalation.client.post("/v1/sla/calendars", json={"name": "bad", "definition": definition})
    assert answer.status_code == 422 and answer.headers["content-type"].startswith(PROBLEM)
    assert fragment in answer.text
    assert (await escalation.client.get("/v1/sla/calendars/bad")).status_code == 404
