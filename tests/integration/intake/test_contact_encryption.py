"""Contact data is ciphertext in the database and plaintext through the API; key rotation and the migration that
first encrypted it, on the real database."""

import asyncio
import os
import sys
from collections.abc import Sequence
from typing import Any

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from services.catalog import SERVICES
from services.intake.encryption import NEWEST_KEY, OLDER_KEY, PLAINTEXT, PREFIX, PiiCipher, UnreadableValue
from services.intake.models import metadata
from services.intake.rotation import Tally, rotate, sealed_columns
from shared.db import Database
from shared.migrations import downgrade, upgrade
from tests.integration.intake.builders import a_submission

OLD, NEW, OTHER = (Fernet.generate_key().decode() for _ in range(3))
CONTACT = ("Ann Lee", "ann.lee@example.com", "+1 415 555 0100")


async def file(intake, **overrides) -> dict:
    response = await intake.client.post("/v1/complaints", json=a_submission(**overrides))
    assert response.status_code == 201, response.text
    return response.json()


async def stored(database_url: str, sql: str, **params: Any) -> list[tuple]:
    database = Database(database_url)
    try:
        async with database.engine.connect() as connection:
            return [tuple(row) for row in (await connection.execute(text(sql), params)).all()]
    finally:
        await database.dispose()


async def stored_contacts(database_url: str) -> list[tuple]:
    return await stored(database_url, "SELECT customer_name, customer_email, customer_phone FROM complaint")


async def stored_notifications(database_url: str) -> list[tuple]:
    return await stored(database_url, "SELECT destination, payload FROM notification")


async def rotated(database_url: str, keys: Sequence[str], *, batch_size: int = 1) -> dict[str, Tally]:
    database = Database(database_url)
    try:
        tallies = await rotate(database, sealed_columns(metadata), PiiCipher(keys), batch_size=batch_size)
    finally:
        await database.dispose()
    return {tally.table: tally for tally in tallies}


def opened_only_by(key: str, values: list[tuple]) -> list[tuple]:
    cipher = PiiCipher([key])
    return [tuple(cipher.decrypt(value) for value in row) for row in values]


async def test_contact_data_is_ciphertext_in_the_database_and_plaintext_through_the_api(intake, database_url):
    ack = await file(intake)

    [row] = await stored_contacts(database_url)
    assert all(value.startswith(PREFIX) for value in row)
    assert not any(part in value for value in row for part in ("Ann", "ann.lee", "555"))
    [(destination, payload)] = await stored_notifications(database_url)
    assert destination.startswith(PREFIX) and payload.startswith(PREFIX) and "Ann" not in payload

    customer = (await intake.client.get(f"/v1/complaints/{ack['id']}")).json()["customer"]
    assert (customer["name"], customer["email"], customer["phone"]) == CONTACT
    [notification] = (await intake.client.get(f"/v1/complaints/{ack['id']}/notifications")).json()["items"]
    assert notification["destination"] == "ann.lee@example.com"
    assert notification["payload"]["customer_name"] == "Ann Lee"


@pytest.mark.parametrize("verification", ["Ann.Lee@example.com", "0100"])
async def test_tracking_verification_checks_the_decrypted_contact_data(intake, verification):
    ack = await file(intake)
    view = await intake.client.get(f"/v1/track/{ack['tracking_number']}", params={"verification": verification})
    wrong = await intake.client.get(f"/v1/track/{ack['tracking_number']}", params={"verification": "0199"})
    assert view.status_code == 200, view.text
    assert wrong.status_code == 404


async def test_rotation_moves_every_value_to_the_newest_key_and_old_data_reads_meanwhile(start_intake,
                                                                                         database_url):
    async with start_intake(pii_keys=[OLD], run_background=False) as intake:
        before = await file(intake)
    async with start_intake(pii_keys=[NEW, OLD], run_background=False) as intake:
        old_data = (await intake.client.get(f"/v1/complaints/{before['id']}")).json()["customer"]
        after = await file(intake, customer={"name": "Li Lei", "email": "li.lei@example.cn"})
    assert (old_data["name"], old_data["email"], old_data["phone"]) == CONTACT

    tallies = await rotated(database_url, [NEW, OLD])

    assert (tallies["complaint"].rows, tallies["notification"].rows) == (2, 2)
    assert tallies["complaint"].values == {OLDER_KEY: 3, NEWEST_KEY: 3}
    assert tallies["notification"].values == {OLDER_KEY: 2, NEWEST_KEY: 2}
    assert sorted(opened_only_by(NEW, await stored_contacts(database_url))) == sorted(
        [CONTACT, ("Li Lei", "li.lei@example.cn", "+1 415 555 0100")])
    opened_only_by(NEW, await stored_notifications(database_url))
    async with start_intake(pii_keys=[NEW], run_background=False) as intake:
        customer = (await intake.client.get(f"/v1/complaints/{before['id']}")).json()["customer"]
        view = await intake.client.get(f"/v1/track/{after['tracking_number']}",
                                       params={"verification": "li.lei@example.cn"})
    assert (customer["name"], customer["email"], customer["phone"]) == CONTACT
    assert view.status_code == 200

    again = await rotated(database_url, [NEW, OLD], batch_size=500)
    assert again["complaint"].values == {NEWEST_KEY: 6} and again["notification"].values == {NEWEST_KEY: 4}


async def test_rotation_encrypts_plaintext_an_older_version_left(start_intake, database_url):
    async with start_intake(pii_keys=[NEW], run_background=False) as intake:
        ack = await file(intake)
        database = Database(database_url)
        try:
            async with database.engine.begin() as connection:
                await connection.execute(text("UPDATE complaint SET customer_name = 'Ann Lee (typed at the desk)'"))
        finally:
            await database.dispose()
        assert (await intake.client.get(f"/v1/complaints/{ack['id']}")).json()["customer"]["name"] == (
            "Ann Lee (typed at the desk)")

        tallies = await rotated(database_url, [NEW])

        assert tallies["complaint"].values == {PLAINTEXT: 1, NEWEST_KEY: 2}
        [(name, _, _)] = await stored_contacts(database_url)
        assert PiiCipher([NEW]).decrypt(name) == "Ann Lee (typed at the desk)" != name
        assert (await intake.client.get(f"/v1/complaints/{ack['id']}")).json()["customer"]["name"] == (
            "Ann Lee (typed at the desk)")


async def test_rotation_stops_at_a_value_none_of_the_keys_opens(start_intake, database_url):
    async with start_intake(pii_keys=[OTHER], run_background=False) as intake:
        await file(intake)
    with pytest.raises(UnreadableValue, match=r"complaint\.customer_name of row"):
        await rotated(database_url, [NEW, OLD])
    assert opened_only_by(OTHER, await stored_contacts(database_url)) == [CONTACT]


async def test_the_migration_encrypts_existing_rows_and_keeps_their_history(start_intake, database_url):
    """Down to the plaintext schema and up again: the rows the service wrote survive both ways, with the steps,
    promises and notifications that hang off each complaint (a rebuilt table must not cascade its deletion)."""
    migrations = SERVICES["intake"].migrations_dir
    async with start_intake(run_background=False) as intake:
        ack = await file(intake)
    dependants = ("SELECT (SELECT count(*) FROM public_step), (SELECT count(*) FROM notification), "
                  "(SELECT count(*) FROM complaint)")
    [counts] = await stored(database_url, dependants)

    await downgrade(migrations, database_url, "0006")
    assert await stored_contacts(database_url) == [CONTACT]
    [(destination, payload)] = await stored_notifications(database_url)
    assert destination == "ann.lee@example.com" and "Ann Lee" in str(payload)

    await upgrade(migrations, database_url)
    [row] = await stored_contacts(database_url)
    assert all(value.startswith(PREFIX) for value in row)
    assert await stored(database_url, dependants) == [counts]
    async with start_intake(run_background=False) as intake:
        customer = (await intake.client.get(f"/v1/complaints/{ack['id']}")).json()["customer"]
        view = await intake.client.get(f"/v1/track/{ack['tracking_number']}", params={"verification": "0100"})
    assert (customer["name"], customer["email"], customer["phone"]) == CONTACT
    assert view.status_code == 200


@pytest.mark.slow
async def test_the_rotate_command_re_encrypts_with_a_progress_bar_and_a_summary(start_intake, database_url):
    async with start_intake(pii_keys=[OLD], run_background=False) as intake:
        await file(intake)
    env = {**os.environ, "REDRESS_INTAKE_DATABASE_URL": database_url, "REDRESS_INTAKE_PII_KEYS": f"{NEW},{OLD}"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "services.cli", "intake", "rotate-pii-key", "--batch-size", "1", env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    output = (await asyncio.wait_for(process.communicate(), timeout=120))[0].decode()

    assert process.returncode == 0, output
    assert "re-encrypting" in output and "5 values re-encrypted" in output
    assert opened_only_by(NEW, await stored_contacts(database_url)) == [CONTACT]
