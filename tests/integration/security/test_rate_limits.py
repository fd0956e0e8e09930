"""Rate limits on the public endpoints, through HTTP on the real services: per client address and per API key,
429 problem+json with Retry-After, and a refused request changes nothing."""

import httpx

from services.intake.tracking import new_tracking_number
from tests.integration.feedback.conftest import feedback_settings, running_feedback
from tests.integration.intake.builders import a_submission
from tests.integration.intake.conftest import running_intake


def client_from(app, address: str, base_url: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(address, 40000)), base_url=base_url)


def assert_too_many(response: httpx.Response) -> None:
    assert response.status_code == 429, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert "Too many requests from this" in response.json()["detail"]


async def test_one_address_over_its_limit_waits_and_changes_nothing_others_go_on(database_url, broker):
    async with running_intake(database_url, broker.bootstrap, rate_limit_per_address="2/minute") as intake:
        filed = await intake.client.post("/v1/complaints", json=a_submission())  # not a public endpoint
        number = filed.json()["tracking_number"]
        async with client_from(intake.app, "203.0.113.7", "http://intake") as customer, \
                client_from(intake.app, "198.51.100.20", "http://intake") as neighbour:
            assert (await customer.get(f"/v1/track/{number}", params={"verification": "0100"})).status_code == 200
            reply = {"verification": "0100", "message": "Any news?"}
            assert (await customer.post(f"/v1/track/{number}/replies", json=reply)).status_code == 204
            refused = await customer.post(f"/v1/track/{number}/replies", json={**reply, "message": "Hello?"})
            assert_too_many(refused)
            view = await neighbour.get(f"/v1/track/{number}", params={"verification": "0100"})
            assert view.status_code == 200, view.text
            assert [s["kind"] for s in view.json()["history"]].count("customer_reply") == 1
            assert "Hello?" not in view.text
            assert_too_many(await customer.get("/complain"))  # the pages count against the same limit


async def test_an_api_key_has_its_own_limit_across_addresses(database_url, broker):
    async with running_intake(database_url, broker.bootstrap, rate_limit_per_address="off",
                              rate_limit_per_key="2/minute") as intake:
        unknown = new_tracking_number()
        headers = {"X-API-Key": "frontend-key-1"}
        answers = []
        for address in ("203.0.113.1", "203.0.113.2", "203.0.113.3"):
            async with client_from(intake.app, address, "http://intake") as client:
                answers.append(await client.get(f"/v1/track/{unknown}", params={"verification": "0100"},
                                                headers=headers))
        assert [a.status_code for a in answers[:2]] == [404, 404]
        assert_too_many(answers[2])
        other_key = await intake.client.get(f"/v1/track/{unknown}", params={"verification": "0100"},
                                            headers={"X-API-Key": "frontend-key-2"})
        assert other_key.status_code == 404


async def test_the_survey_page_and_api_are_limited_per_address(database_url, broker):
    settings = feedback_settings(database_url, broker.bootstrap, rate_limit_per_address="2/minute")
    async with running_feedback(settings) as feedback:
        assert (await feedback.client.get("/s/no-such-token")).status_code in (404, 410)
        assert (await feedback.client.get("/v1/surveys/no-such-token")).status_code in (404, 410)
        assert_too_many(await feedback.client.get("/v1/surveys/no-such-token"))
        assert (await feedback.client.get("/health/live")).status_code == 200  # health is never limited


async def test_internal_endpoints_are_not_limited(database_url, broker):
    async with running_intake(database_url, broker.bootstrap, rate_limit_per_address="1/minute") as intake:
        for _ in range(3):
            assert (await intake.client.get("/v1/complaints")).status_code == 200
