"""The ops listing: filters and cursor pagination."""

from tests.integration.intake.builders import a_submission


async def test_pages_walk_every_complaint_once_newest_first(intake):
    ids = []
    for n in range(7):
        body = a_submission(subject=f"Complaint number {'one two three four five six seven'.split()[n]}",
                            description=f"Text {'abcdefg'[n]}", channel="email" if n % 2 else "phone")
        ids.append((await intake.client.post("/v1/complaints", json=body)).json()["id"])
    seen, cursor = [], None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = (await intake.client.get("/v1/complaints", params=params)).json()
        seen += [c["id"] for c in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(ids))
    emails = (await intake.client.get("/v1/complaints", params={"channel": "email"})).json()["items"]
    assert len(emails) == 3 and {c["channel"] for c in emails} == {"email"}


async def test_a_forged_cursor_is_a_clear_error(intake):
    response = await intake.client.get("/v1/complaints", params={"cursor": "bm90LWEtY3Vyc29y"})
    assert response.status_code == 422
    assert "cursor" in response.json()["detail"]
