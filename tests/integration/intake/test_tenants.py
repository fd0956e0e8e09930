"""Tenants through HTTP, on the real database and broker: a complaint belongs to its caller's tenant, and no
tenant sees, replays or links to another's complaints."""

from uuid import uuid4

import httpx
import pytest

from shared.auth.deps import API_KEY_HEADER
from shared.auth.provision import grant
from shared.auth.roles import Role
from shared.contracts.complaint import ERASED_TEXT
from tests.integration.intake.builders import a_submission
from tests.integration.intake.test_submit import received_events


@pytest.fixture
async def acme(intake) -> httpx.AsyncClient:
    """A client of the same intake holding a key of tenant acme (a frontend that may also read and list)."""
    key = await grant([intake.settings.database_url], Role.FRONTEND, Role.SUPERVISOR, name="acme", tenant="acme")
    async with intake.anonymous() as client:
        client.headers[API_KEY_HEADER] = key
        yield client


async def listed_ids(client: httpx.AsyncClient, **params: str) -> set[str]:
    response = await client.get("/v1/complaints", params={"limit": "200", **params})
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["items"]}


async def test_a_complaint_and_its_event_carry_the_callers_tenant(intake, acme, broker):
    response = await acme.post("/v1/complaints", json=a_submission())
    assert response.status_code == 201, response.text
    [(_, data)] = await received_events(broker.bootstrap, response.json()["id"])
    assert data["tenant"] == "acme"


async def test_a_batch_is_filed_under_the_callers_tenant(intake, acme):
    response = await acme.post("/v1/complaints:batch", json={"items": [{"complaint": a_submission()}]})
    assert response.status_code == 200, response.text
    [item] = response.json()["results"]
    filed = item["acknowledgement"]["id"]
    assert (await acme.get(f"/v1/complaints/{filed}")).status_code == 200
    assert (await intake.client.get(f"/v1/complaints/{filed}")).status_code == 404


async def test_each_tenant_sees_only_its_own_complaints(intake, acme):
    customer = {"id": f"cust-{uuid4().hex[:10]}"}
    ours = (await intake.client.post("/v1/complaints", json=a_submission(customer=customer))).json()["id"]
    theirs = (await acme.post("/v1/complaints", json=a_submission(customer=customer,
                                                                  subject="Late delivery"))).json()["id"]

    assert (await intake.client.get(f"/v1/complaints/{theirs}")).status_code == 404
    assert (await intake.client.get(f"/v1/complaints/{theirs}/notifications")).status_code == 404
    assert (await acme.get(f"/v1/complaints/{ours}")).status_code == 404
    assert (await acme.get(f"/v1/complaints/{ours}/notifications")).status_code == 404
    assert (await intake.client.get(f"/v1/complaints/{ours}")).status_code == 200
    assert (await acme.get(f"/v1/complaints/{theirs}/notifications")).status_code == 200

    assert await listed_ids(intake.client, customer_id=customer["id"]) == {ours}
    assert await listed_ids(acme, customer_id=customer["id"]) == {theirs}


async def test_one_idempotency_key_in_two_tenants_files_two_complaints(intake, acme):
    key, body = {"Idempotency-Key": f"order-{uuid4()}"}, a_submission()
    ours = await intake.client.post("/v1/complaints", json=body, headers=key)
    theirs = await acme.post("/v1/complaints", json=body, headers=key)
    assert (ours.status_code, theirs.status_code) == (201, 201), theirs.text
    assert ours.json()["id"] != theirs.json()["id"]
    assert "idempotency-replayed" not in theirs.headers

    again = await acme.post("/v1/complaints", json=body, headers=key)
    assert (again.json()["id"], again.headers.get("idempotency-replayed")) == (theirs.json()["id"], "true")


async def test_the_longest_idempotency_key_is_kept_apart_per_tenant(intake, acme):
    key, body = {"Idempotency-Key": "k" * 255}, a_submission()
    first = await acme.post("/v1/complaints", json=body, headers=key)
    again = await acme.post("/v1/complaints", json=body, headers=key)
    ours = await intake.client.post("/v1/complaints", json=body, headers=key)
    assert (first.status_code, again.headers.get("idempotency-replayed")) == (201, "true"), first.text
    assert again.json()["id"] == first.json()["id"] != ours.json()["id"]


async def test_the_same_customer_and_words_in_two_tenants_are_not_duplicates(intake, acme):
    body = a_submission()
    ours = (await intake.client.post("/v1/complaints", json=body)).json()
    theirs = await acme.post("/v1/complaints", json=body)
    assert theirs.status_code == 201, theirs.text
    assert (theirs.json()["duplicate_of"], theirs.json()["repeat"]) == (None, False)
    assert theirs.json()["id"] != ours["id"]
    # Within one tenant the same words are still a duplicate.
    linked = (await acme.post("/v1/complaints", json=body)).json()
    assert linked["duplicate_of"] == theirs.json()["id"]


async def test_notifications_are_listed_and_retried_only_within_the_tenant(intake, acme):
    theirs = (await acme.post("/v1/complaints", json=a_submission())).json()["id"]
    mine = (await acme.get("/v1/notifications", params={"complaint_id": theirs})).json()["items"]
    assert mine, "the acknowledgement of acme's complaint"

    assert (await intake.client.get("/v1/notifications", params={"complaint_id": theirs})).json()["items"] == []
    assert theirs not in {n["complaint_id"] for n in (await intake.client.get("/v1/notifications")).json()["items"]}
    refused = await intake.client.post(f"/v1/notifications/{mine[0]['id']}/retry")
    assert refused.status_code == 404, refused.text
    still = (await acme.get("/v1/notifications", params={"complaint_id": theirs})).json()["items"]
    assert [n["id"] for n in still] == [n["id"] for n in mine]


async def test_an_erasure_takes_only_the_customer_of_the_callers_tenant(intake, acme):
    customer = {"id": f"cust-{uuid4().hex[:10]}"}
    ours = (await intake.client.post("/v1/complaints", json=a_submission(customer=customer))).json()["id"]
    theirs = (await acme.post("/v1/complaints", json=a_submission(customer=customer))).json()["id"]
    dpo = await grant([intake.settings.database_url], Role.ADMIN, name="acme-dpo", tenant="acme")

    erased = await acme.post(f"/v1/customers/{customer['id']}/erasure", json={"reason": "request"},
                             headers={API_KEY_HEADER: dpo})

    assert (erased.status_code, erased.json()["complaints"]) == (202, 1), erased.text
    assert (await acme.get(f"/v1/complaints/{theirs}")).json()["subject"] == ERASED_TEXT
    assert (await intake.client.get(f"/v1/complaints/{ours}")).json()["subject"] != ERASED_TEXT
    progress = await acme.get(f"/v1/customers/{customer['id']}/erasure", headers={API_KEY_HEADER: dpo})
    assert [c["complaint_id"] for c in progress.json()["complaints"]] == [theirs]
