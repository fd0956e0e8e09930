"""The `redress` commands that operate databases, on the real database."""

from typer.testing import CliRunner

from services.cli import app
from shared.contracts.complaint import ComplaintWithdrawnV1
from shared.db import Database, UnitOfWork
from tests.support import redress


async def test_migrate_then_outbox_status_counts_unsent_events(database_url):
    env = {"REDRESS_INTAKE_DATABASE_URL": database_url}
    output = await redress("migrate", "intake", env=env)
    assert "intake" in output and "up to date" in output
    database = Database(database_url)
    try:
        async with UnitOfWork(database, source="intake") as uow:
            for _ in range(3):
                uow.emit(ComplaintWithdrawnV1(complaint_id="5f0c8a9e-8a55-4c7e-9d59-6a4f5cb1f001"))
            await uow.commit()
    finally:
        await database.dispose()
    status = await redress("outbox", "status", "--service", "intake", env=env)
    assert "intake" in status and " 3 " in status


def test_unknown_services_and_bad_times_are_clear_errors():
    runner = CliRunner()
    unknown = runner.invoke(app, ["migrate", "billing"])
    assert unknown.exit_code == 2
    assert "unknown service billing" in unknown.output
    bad_time = runner.invoke(app, ["outbox", "republish", "--since", "yesterday-ish"])
    assert bad_time.exit_code == 2
    assert "neither an ISO 8601 time nor an age" in bad_time.output
