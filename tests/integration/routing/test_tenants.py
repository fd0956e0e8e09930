"""Tenants through HTTP and the broker, on the real database: a case belongs to the tenant of its complaint, every
event about it carries that tenant, and no key (an admin's neither) reads, lists, finds in suggestions or changes
another tenant's case: that answers 404 exactly like a missing one."""

from typing import Any
from uuid import UUID, uuid4

import httpx

from shared.auth.roles import Role
from shared.contracts.complaint import ComplaintErasedV1
from tests.integration.routing.builders import a_received_complaint, a_team, an_agent
from tests.integration.routing.conftest import events_of, names
from tests.support import wait_until

ACME = "acme"


async def case_seen_by(client: httpx.AsyncClient, complaint_id: UUID, predicate: Any = bool) -> dict[str, Any]:
    async def check() -> dict[str, Any] | None:
        response = await client.get(f"/v1/cases/{complaint_id}")
        return response.json() if response.status_code == 200 and predicate(response.json()) else None

    return await wait_until(check, what=f"case {complaint_id}", within=30)


async def filed(routing, client: httpx.AsyncClient, *, agent_id: str, tenant: str, **complaint: Any) -> UUID:
    """A complaint of `tenant` received over the broker, its case placed with `agent_id` by `client`'s admin."""
    received = a_received_complaint(tenant=tenant, **complaint)
    await routing.receive(received)
    case = await case_seen_by(client, received.complaint_id)
    if case["agent_id"] != agent_id:
        moved = await client.post(f"/v1/cases/{received.complaint_id}/assignment",
                                  json={"agent_id": agent_id, "actor": "lead"})
        assert moved.status_code == 200, moved.text
    return received.complaint_id


async def listed(client: httpx.AsyncClient, **params: str) -> set[UUID]:
    response = await client.get("/v1/cases", params={"limit": 200, **params})
    assert response.status_code == 200, response.text
    return {UUID(item["id"]) for item in response.json()["items"]}


async def suggested(client: httpx.AsyncClient, complaint_id: UUID) -> set[UUID]:
    response = await client.get(f"/v1/cases/{complaint_id}/suggestions", params={"limit": 20})
    assert response.status_code == 200, response.text
    return {UUID(item["complaint_id"]) for item in response.json()}


Change = tuple[str, dict[str, Any] | None]


def case_work(complaint_id: UUID, *, other: UUID, task_id: str, team_id: str) -> list[Change]:
    """Every change of case work on a case, by path and body."""
    path = f"/v1/cases/{complaint_id}"
    return [(f"{path}/notes", {"text": "peek"}), (f"{path}/tasks", {"title": "look"}),
            (f"{path}/tasks/{task_id}/completion", {"outcome": "done"}), (f"{path}/acceptance", None),
            (f"{path}/information-requests", {"message": "tell me"}), (f"{path}/hold", {"reason": "wait"}),
            (f"{path}/responses", {"message": "hello"}), (f"{path}/assignment", {"team_id": team_id}),
            (f"{path}/classification", {"category": "contract_policy", "subcategory": "cancellation"}),
            (f"{path}/merge", {"into_complaint_id": str(other)}), (f"{path}/reopening", {"reason": "again"}),
            (f"{path}/hold/release", None),
            (f"{path}/resolution", {"resolution": "r", "resolution_code": "refund", "root_cause": "unknown"})]


async def test_each_tenant_reaches_lists_and_changes_only_its_own_cases(bare_routing):
    routing, tag = bare_routing, uuid4().hex[:8]
    desk, ann = f"desk-{tag}", f"ann-{tag}"
    built = await routing.client.post("/v1/org:import", json={"teams": [a_team(desk)],
                                                              "agents": [an_agent(ann, desk, capacity=20)]})
    assert built.status_code == 200, built.text
    words = {"subject": f"Kettle {tag} broke", "description": f"The kettle model {tag} stopped heating water."}
    ours = routing.client

    async with routing.client_with(await routing.grant(Role.ADMIN, name="acme-admin", tenant=ACME)) as acme:
        mine = await filed(routing, ours, agent_id=ann, tenant="default", **words)
        theirs = await filed(routing, acme, agent_id=ann, tenant=ACME, **words)
        task_id = (await ours.post(f"/v1/cases/{mine}/tasks", json={"title": "check"})).json()["id"]
        before = await case_seen_by(ours, mine)

        for client, own, foreign in ((ours, mine, theirs), (acme, theirs, mine)):
            assert await listed(client, team_id=desk) == {own}
            assert await listed(client, agent_id=ann) == {own}
            for unknown in (foreign, uuid4()):
                got = await client.get(f"/v1/cases/{unknown}")
                assert got.status_code == 404 and got.json()["detail"] == f"no case {unknown}"
                assert (await client.get(f"/v1/cases/{unknown}/suggestions")).status_code == 404

        for path, body in case_work(mine, other=theirs, task_id=task_id, team_id=desk):
            answer = await acme.post(path, json=body)
            assert answer.status_code == 404, (path, answer.text)
        merged = await ours.post(f"/v1/cases/{mine}/merge", json={"into_complaint_id": str(theirs)})
        assert merged.status_code == 404 and merged.json()["detail"] == f"no case {theirs}"

        after = await case_seen_by(ours, mine)
        assert after == before
        assert (await case_seen_by(acme, theirs))["notes"] == []

        for who in (Role.AGENT, Role.SUPERVISOR):  # confined by queue or not: still only the own tenant
            key = await routing.grant(who, name=ann, tenant=ACME, queues=(desk,) if who == Role.AGENT else ())
            async with routing.client_with(key) as worker:
                assert await listed(worker, team_id=desk) == {theirs}
                assert (await worker.get(f"/v1/cases/{mine}")).status_code == 404

        # Knowledge: the resolved case of one tenant is suggested within that tenant only.
        headers = {"X-Actor": ann}
        assert (await ours.post(f"/v1/cases/{mine}/acceptance", headers=headers)).status_code == 200
        resolved = await ours.post(f"/v1/cases/{mine}/resolution", headers=headers, json={
            "resolution": "Replaced the kettle", "resolution_code": "replacement", "root_cause": "product_defect"})
        assert resolved.status_code == 200, resolved.text
        sibling = await filed(routing, ours, agent_id=ann, tenant="default", **words)
        assert mine in await suggested(ours, sibling)
        assert mine not in await suggested(acme, theirs)


async def test_every_event_about_a_case_carries_its_tenant(routing):
    async with routing.client_with(await routing.grant(Role.ADMIN, name="acme-admin", tenant=ACME)) as acme:
        received = a_received_complaint(tenant=ACME)
        await routing.receive(received)
        cid = received.complaint_id
        case = await case_seen_by(acme, cid, lambda c: c["agent_id"])
        held = await acme.post(f"/v1/cases/{cid}/hold", headers={"X-Actor": case["agent_id"]},
                               json={"reason": "waiting for the supplier"})
        assert held.status_code == 200, held.text
        released = await acme.post(f"/v1/cases/{cid}/hold/release", json={"actor": case["agent_id"]})
        assert released.status_code == 200, released.text
        await routing.receive(ComplaintErasedV1(complaint_id=cid, tenant=ACME, basis="request"))

        events = await events_of(routing.bootstrap, cid, count=7)

    assert names(events)[4:7] == ["Held", "HoldReleased", "ErasureConfirmed"]
    assert {event.tenant for event in events} == {ACME}
