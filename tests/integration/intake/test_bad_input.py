"""Bad input gets a clear RFC 9457 problem and writes nothing."""

import json

import pytest

from tests.integration.intake.builders import a_submission


def without(body: dict, *path: str) -> dict:
    body = json.loads(json.dumps(body))
    target = body
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return body


CASES = {
    "missing subject": (lambda: without(a_submission(), "subject"), 422),
    "missing customer id": (lambda: without(a_submission(), "customer", "id"), 422),
    "unknown channel": (lambda: a_submission(channel="carrier-pigeon"), 422),
    "unknown field": (lambda: a_submission(priority="urgent"), 422),
    "description too long": (lambda: a_submission(description="x" * 20_001), 422),
    "invalid e-mail": (lambda: a_submission(customer={"email": "not-an-address"}), 422),
    "naive occurred_at": (lambda: a_submission(occurred_at="2026-11-01T10:00:00"), 422),
    "bad attachment hash": (lambda: a_submission(attachments=[{"name": "a", "media_type": "image/png", "size": 1,
                                                                "sha256": "nope", "url": "https://x.test/a"}]), 422),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
async def test_invalid_submissions_are_refused(intake, case):
    build, status = CASES[case]
    body = build()
    response = await intake.client.post("/v1/complaints", json=body)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["title"]
    await assert_nothing_written(intake)


async def test_malformed_json_wrong_type_and_oversize_bodies_are_refused(intake):
    malformed = await intake.client.post("/v1/complaints", content=b'{"channel": "web",',
                                         headers={"content-type": "application/json"})
    assert malformed.status_code == 422
    wrong_type = await intake.client.post("/v1/complaints", content=json.dumps(a_submission()).encode(),
                                          headers={"content-type": "text/plain"})
    assert wrong_type.status_code == 415
    oversize = await intake.client.post("/v1/complaints", json=a_submission(description="x" * 1_100_000))
    assert oversize.status_code == 413
    for response in (malformed, wrong_type, oversize):
        assert response.headers["content-type"] == "application/problem+json", response.text
    await assert_nothing_written(intake)


async def test_a_bad_idempotency_key_is_refused(intake):
    response = await intake.client.post("/v1/complaints", json=a_submission(), headers={"Idempotency-Key": "x" * 300})
    assert response.status_code == 422
    await assert_nothing_written(intake)


async def assert_nothing_written(intake) -> None:
    assert (await intake.client.get("/v1/complaints")).json()["items"] == []
    async with intake.app.state.runtime.new_uow() as uow:
        from shared.messaging.outbox import backlog
        assert await backlog(uow.database) == 0
