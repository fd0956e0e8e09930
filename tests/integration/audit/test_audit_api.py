"""Staff changes through HTTP land in the service's hash-chained audit log, which GET /v1/audit answers from."""

import asyncio
from uuid import uuid4

from services.catalog import SERVICES
from shared.audit.check import verify_database
from shared.auth.roles import Role

PROBLEM = "application/problem+json"
TARGETS = {"first_response": {"minutes": 30, "business_hours": False, "calendar": "24x7"}}
WEEKDAYS = {"timezone": "Europe/Berlin", "weekly_hours": {"mon": [["08:00", "16:00"]]}}


def policy(**fields):
    return {"name": "VIP", "position": 5, "conditions": {"customer_tier": ["gold"]}, "targets": TARGETS, **fields}


async def test_a_staff_change_is_chained_with_who_before_after_and_request_id(escalation):
    client = escalation.client
    created = await client.post("/v1/sla/policies", json={"id": "vip", **policy()},
                                headers={"X-Actor": "ana", "X-Request-ID": "req-create-vip"})
    assert created.status_code == 201
    changed = await client.put("/v1/sla/policies/vip", json=policy(name="VIP+"),
                               headers={"X-Actor": "bo", "X-Request-ID": "req-change-vip"})
    assert changed.status_code == 200

    page = (await client.get("/v1/audit", params={"entity": "policy", "entity_id": "vip"})).json()
    update, create = page["items"]
    assert (update["action"], update["actor"], update["request_id"]) == ("update", "bo", "req-change-vip")
    assert update["before"]["name"] == "VIP" and update["after"]["name"] == "VIP+"
    assert (create["action"], create["actor"], create["request_id"]) == ("create", "ana", "req-create-vip")
    assert create["before"] is None and create["after"]["name"] == "VIP"
    assert update["service"] == "escalation" and update["seq"] == create["seq"] + 1
    assert update["prev_hash"] == create["hash"]
    # The audit the escalation API had before still answers as it did.
    trail = (await client.get("/v1/sla/audit", params={"entity": "policy", "entity_id": "vip"})).json()
    assert [(e["action"], e["actor"]) for e in trail] == [("update", "bo"), ("create", "ana")]
    assert (await verify_database(escalation.settings.resolved_database_url)).ok


async def test_the_log_is_filtered_and_paged_newest_first(escalation):
    client = escalation.client
    for n, actor in enumerate(["ana", "bo", "ana", "cy", "ana"]):
        response = await client.post("/v1/sla/calendars", json={"name": f"cal-{n}", "definition": WEEKDAYS},
                                     headers={"X-Actor": actor})
        assert response.status_code == 201
    seen, cursor = [], None
    while True:
        params = {"actor": "ana", "entity": "calendar", "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/v1/audit", params=params)).json()
        seen += [(item["entity_id"], item["actor"]) for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [("cal-4", "ana"), ("cal-2", "ana"), ("cal-0", "ana")]

    everything = (await client.get("/v1/audit")).json()["items"]
    middle = everything[2]["at"]
    since = (await client.get("/v1/audit", params={"since": middle})).json()["items"]
    until = (await client.get("/v1/audit", params={"until": middle})).json()["items"]
    assert [e["seq"] for e in since] == [e["seq"] for e in everything[:3]]
    assert [e["seq"] for e in until] == [e["seq"] for e in everything[3:]]
    assert (await client.get("/v1/audit", params={"action": "delete"})).json() == {"items": [], "next_cursor": None}


async def test_bad_filters_are_refused_as_problems(escalation):
    for params in ({"cursor": "not-a-cursor"}, {"limit": 0}, {"since": "yesterday"},
                   {"since": "2026-02-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"}):
        response = await escalation.client.get("/v1/audit", params=params)
        assert response.status_code == 422, params
        assert response.headers["content-type"].startswith(PROBLEM)


async def test_concurrent_changes_through_http_keep_one_chain(escalation):
    async def create(n: int) -> int:
        response = await escalation.client.post("/v1/sla/calendars", headers={"X-Actor": f"agent-{n}"},
                                                json={"name": f"busy-{n}", "definition": WEEKDAYS})
        return response.status_code

    assert await asyncio.gather(*(create(n) for n in range(12))) == [201] * 12
    verdict = await verify_database(escalation.settings.resolved_database_url)
    assert verdict.ok and verdict.checked == 12


async def test_routing_records_team_and_agent_changes_but_not_unchanged_puts(bare_routing):
    client, staff = bare_routing.client, {"X-Actor": "supervisor-1", "X-Request-ID": "req-org"}
    team = {"name": "Desk", "kind": "standard", "categories": [], "languages": [], "strategy": "skills",
            "relax_after_s": 300}
    agent = {"name": "Li", "team_id": "desk", "role": "agent", "categories": [], "languages": ["en"], "channels": [],
             "capacity": 5, "presence": "offline", "timezone": "UTC", "schedule": {}}
    assert (await client.put("/v1/teams/desk", json=team, headers=staff)).status_code == 201
    assert (await client.put("/v1/teams/desk", json=team, headers=staff)).status_code == 200
    assert (await client.put("/v1/agents/li", json=agent, headers=staff)).status_code == 201
    assert (await client.put("/v1/agents/li", json={**agent, "capacity": 8}, headers=staff)).status_code == 200
    assert (await client.delete("/v1/agents/li", headers=staff)).status_code == 204

    items = (await client.get("/v1/audit", params={"actor": "supervisor-1"})).json()["items"]
    assert [(e["entity"], e["entity_id"], e["action"]) for e in items] == [
        ("agent", "li", "deleted"), ("agent", "li", "updated"), ("agent", "li", "created"),
        ("team", "desk", "created")]
    assert items[1]["before"]["capacity"] == 5 and items[1]["after"]["capacity"] == 8
    assert items[0]["after"] is None and {e["request_id"] for e in items} == {"req-org"}
    assert (await verify_database(bare_routing.settings.database_url or "")).ok


def test_every_service_answers_the_audit_route():
    for spec in SERVICES.values():
        paths = spec.create_app(spec.settings()).openapi()["paths"]
        assert "get" in paths.get("/v1/audit", {}), spec.name


async def test_each_tenant_reads_only_the_changes_made_for_it(bare_routing):
    routing, tag = bare_routing, uuid4().hex[:8]
    team = {"name": "Desk", "kind": "standard", "categories": [], "languages": [], "strategy": "skills",
            "relax_after_s": 300}
    assert (await routing.client.put(f"/v1/teams/ours-{tag}", json=team)).status_code == 201
    async with routing.client_with(await routing.grant(Role.ADMIN, name="acme-admin", tenant="acme")) as acme:
        assert (await acme.put(f"/v1/teams/theirs-{tag}", json=team)).status_code == 201
        theirs = (await acme.get("/v1/audit", params={"entity": "team"})).json()["items"]
    ours = (await routing.client.get("/v1/audit", params={"entity": "team"})).json()["items"]

    assert [(e["entity_id"], e["tenant"]) for e in theirs] == [(f"theirs-{tag}", "acme")]
    assert [(e["entity_id"], e["tenant"]) for e in ours] == [(f"ours-{tag}", "default")]
    assert (await verify_database(routing.settings.database_url or "")).ok
