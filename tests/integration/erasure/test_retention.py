"""Retention through the real database and broker: only complaints that ended longer ago than the retention
period are erased, in batches, with the submissions linked to them, and each announces complaint.erased."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import cast
from uuid import UUID

from services.intake.erasure.domain import RetentionRule, retention_rules
from services.intake.erasure.service import erase_expired
from services.intake.uow import IntakeUow
from shared.auth.deps import API_KEY_HEADER
from shared.auth.provision import grant
from shared.auth.roles import Role
from shared.contracts.complaint import ERASED_TEXT, TOPIC, ComplaintErasedV1
from tests.integration.intake.builders import a_submission
from tests.integration.intake.conftest import Intake
from tests.support import following

DAYS = 30


async def _file(intake: Intake, **overrides: object) -> UUID:
    answer = await intake.client.post("/v1/complaints", json=a_submission(**overrides))
    assert answer.status_code in (200, 201), answer.text
    return UUID(answer.json()["submission_id"] if answer.status_code == 200 else answer.json()["id"])


def _new_uow(intake: Intake) -> Callable[[], IntakeUow]:
    return cast(Callable[[], IntakeUow], intake.app.state.runtime.new_uow)


async def _set(intake: Intake, complaint_id: UUID, *, status: str, days_ago: float) -> None:
    """As if the complaint had reached `status` that long ago (and been received then)."""
    uow = _new_uow(intake)()
    async with uow:
        complaint = await uow.complaints.get(complaint_id)
        complaint.status = status
        complaint.status_at = complaint.received_at = datetime.now(UTC) - timedelta(days=days_ago)
        await uow.commit()


async def _subject(intake: Intake, complaint_id: UUID) -> str:
    return (await intake.client.get(f"/v1/complaints/{complaint_id}")).json()["subject"]


async def test_retention_erases_only_what_ended_long_enough_ago(start_intake, broker):
    async with start_intake() as intake, following(broker.bootstrap, [TOPIC], within=60) as log:
        closed_long_ago, withdrawn_long_ago, closed_lately, open_long = [await _file(intake) for _ in range(4)]
        repeated = a_submission(subject="The parcel never came", description="Tracking says delivered.")
        duplicated = await _file(intake, **repeated)
        linked = await _file(intake, **repeated)  # near-identical: linked to `duplicated`
        await _set(intake, closed_long_ago, status="closed", days_ago=DAYS + 10)
        await _set(intake, withdrawn_long_ago, status="withdrawn", days_ago=DAYS + 1)
        await _set(intake, duplicated, status="resolved", days_ago=DAYS + 5)
        await _set(intake, closed_lately, status="closed", days_ago=DAYS - 1)
        await _set(intake, open_long, status="in_progress", days_ago=DAYS + 100)
        erase = lambda limit: erase_expired(_new_uow(intake)(), RetentionRule(DAYS), limit=limit)  # noqa: E731

        rounds = [await erase(2), await erase(2), await erase(2)]

        assert rounds == [2, 1, 0]
        erased = {closed_long_ago, withdrawn_long_ago, duplicated, linked}
        for complaint_id in erased:
            assert await _subject(intake, complaint_id) == ERASED_TEXT
            [event] = await log.wait_for(complaint_id, ComplaintErasedV1)
            assert event.basis == "retention"
        for complaint_id in (closed_lately, open_long):
            assert await _subject(intake, complaint_id) != ERASED_TEXT
        audit = await intake.client.get("/v1/audit", params={"actor": "retention", "limit": 50})
        assert {UUID(e["entity_id"]) for e in audit.json()["items"]} == erased


async def test_zero_retention_days_keep_complaints_for_ever(start_intake):
    async with start_intake() as intake:
        complaint_id = await _file(intake)
        await _set(intake, complaint_id, status="closed", days_ago=10_000)

        assert await erase_expired(_new_uow(intake)(), RetentionRule(0), limit=10) == 0
        assert await _subject(intake, complaint_id) != ERASED_TEXT


async def test_a_tenant_with_a_schedule_of_its_own_keeps_its_complaints_for_its_period(start_intake):
    async with start_intake() as intake:
        key = await grant([intake.settings.database_url], Role.FRONTEND, name="acme", tenant="acme")
        async with intake.anonymous() as acme:
            acme.headers[API_KEY_HEADER] = key
            acme_closed_40 = UUID((await acme.post("/v1/complaints", json=a_submission())).json()["id"])
            acme_closed_70 = UUID((await acme.post("/v1/complaints", json=a_submission(
                subject="Wrong size again", description="The second parcel is wrong too."))).json()["id"])
        ours_closed_40 = await _file(intake)
        for complaint_id, days_ago in ((acme_closed_40, 40), (acme_closed_70, 70), (ours_closed_40, 40)):
            await _set(intake, complaint_id, status="closed", days_ago=days_ago)

        for rule in retention_rules(DAYS, {"acme": 60}):
            await erase_expired(_new_uow(intake)(), rule, limit=10)

        uow = _new_uow(intake)()
        async with uow:
            subjects = {c: (await uow.complaints.get(c)).subject
                        for c in (acme_closed_40, acme_closed_70, ours_closed_40)}
        assert subjects[ours_closed_40] == subjects[acme_closed_70] == ERASED_TEXT
        assert subjects[acme_closed_40] != ERASED_TEXT
