"""Duplicates are linked to the earlier complaint; a customer's new complaint after a recent one is a repeat."""

from tests.integration.intake.builders import a_submission


async def test_a_near_identical_complaint_is_linked_to_the_earlier_one(intake):
    first = (await intake.client.post("/v1/complaints", json=a_submission())).json()
    retyped = a_submission(customer={"id": (await _customer_of(intake, first["id"]))},
                           subject="charged TWICE for one order!!",
                           description="I was billed twice for order 88232 last week.  Call me on +1 415 555 0100 "
                                       "or write to ann.lee@example.com; my card 4111 1111 1111 1111 shows both "
                                       "charges")
    linked = await intake.client.post("/v1/complaints", json=retyped)
    assert linked.status_code == 200, linked.text
    assert linked.json()["id"] == first["id"]
    assert linked.json()["tracking_number"] == first["tracking_number"]
    assert linked.json()["duplicate_of"] == first["id"]
    listed = (await intake.client.get("/v1/complaints", params={"customer_id": retyped["customer"]["id"]})).json()
    assert [c["id"] for c in listed["items"]] == [first["id"]]


async def test_another_complaint_of_the_same_customer_is_a_repeat(intake):
    first = (await intake.client.post("/v1/complaints", json=a_submission())).json()
    assert first["repeat"] is False
    customer = await _customer_of(intake, first["id"])
    second = await intake.client.post("/v1/complaints", json=a_submission(
        customer={"id": customer}, subject="The refund never came", description="Still no refund after a month."))
    assert second.status_code == 201
    assert second.json()["repeat"] is True
    assert second.json()["duplicate_of"] is None


async def _customer_of(intake, complaint_id: str) -> str:
    return (await intake.client.get(f"/v1/complaints/{complaint_id}")).json()["customer"]["id"]
