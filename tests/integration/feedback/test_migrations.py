"""Revision 0004 on a database that already holds answers: each answer gets the dimension scores of the
evaluation it came from; downgrading removes what 0004 added. Revision 0007 files earlier rows under the default
tenant."""

import uuid
from datetime import UTC, datetime

from sqlalchemy import inspect, select

from services.catalog import SERVICES
from services.feedback.analytics.models import AnswerFact
from services.feedback.evaluations.models import Evaluation
from services.feedback.followups.models import FollowUpTask
from shared.contracts.base import DEFAULT_TENANT
from shared.db import Database
from shared.migrations import downgrade, upgrade

MIGRATIONS = SERVICES["feedback"].migrations_dir


async def test_answers_recorded_before_0004_get_their_dimension_scores(database_url):
    await upgrade(MIGRATIONS, database_url, "0003")
    scored, unknown = uuid.uuid4(), uuid.uuid4()
    recorded = datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=UTC)
    database = Database(database_url)
    try:
        async with database.engine.begin() as connection:
            await connection.execute(Evaluation.__table__.insert().values(
                id=uuid.uuid4(), complaint_id=scored, method="qa_review", dimensions={"attitude": 2, "expertise": 4},
                recorded_at=recorded))
            answer_columns = {"answered_at": recorded, "method": "qa_review", "csat": 3}
            for complaint_id in (scored, unknown):   # the second came from no evaluation of this database
                await connection.execute(AnswerFact.__table__.insert().values(complaint_id=complaint_id,
                                                                              **answer_columns))
        await upgrade(MIGRATIONS, database_url)
        async with database.engine.connect() as connection:
            rows = dict((await connection.execute(select(AnswerFact.complaint_id, AnswerFact.dimensions))).all())
        assert rows == {scored: {"attitude": 2, "expertise": 4}, unknown: None}

        await downgrade(MIGRATIONS, database_url, "0003")
        async with database.engine.connect() as connection:
            tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
            columns = await connection.run_sync(lambda c: {col["name"] for col in inspect(c).get_columns("hotspot")})
        assert not {"qa_sample", "qa_sample_item"} & tables and "complaint_ids" not in columns
    finally:
        await database.dispose()


async def test_rows_from_before_0007_belong_to_the_default_tenant(database_url):
    await upgrade(MIGRATIONS, database_url, "0006")
    task_id = uuid.uuid4()
    database = Database(database_url)
    try:
        async with database.engine.begin() as connection:
            # Only the columns given are written: the table as 0006 left it, without a tenant.
            await connection.execute(FollowUpTask.__table__.insert().values(
                id=task_id, complaint_id=uuid.uuid4(), reasons=[], status="open",
                created_at=datetime(2026, 3, 2, tzinfo=UTC), attempts=0))
        await upgrade(MIGRATIONS, database_url)
        async with database.engine.connect() as connection:
            tenant = await connection.scalar(select(FollowUpTask.tenant).where(FollowUpTask.id == task_id))
        assert tenant == DEFAULT_TENANT

        await downgrade(MIGRATIONS, database_url, "0006")
        async with database.engine.connect() as connection:
            columns = await connection.run_sync(
                lambda c: {col["name"] for col in inspect(c).get_columns("follow_up_task")})
        assert "tenant" not in columns
    finally:
        await database.dispose()
