"""`redress keys` on the real databases of two services, and the development key of `redress run`."""

import asyncio
import contextlib
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from services.catalog import SERVICES
from services.cli import app
from shared.auth.dev_key import ensure_dev_key
from shared.auth.keys import find_key, split_key
from shared.db import Database
from shared.migrations import upgrade
from tests.conftest import empty_database
from tests.support import redress


@pytest.fixture
async def databases(tmp_path: Path):
    """Migrated databases of intake and routing, and the environment that points the CLI at them."""
    async with contextlib.AsyncExitStack() as stack:
        urls = {name: await stack.enter_async_context(empty_database(tmp_path, name)) for name in ("intake", "routing")}
        for name, url in urls.items():
            await upgrade(SERVICES[name].migrations_dir, url)
        yield urls


def env_of(urls: dict[str, str]) -> dict[str, str]:
    return {f"REDRESS_{name.upper()}_DATABASE_URL": url for name, url in urls.items()}


async def stored(url: str, key_id: str):
    database = Database(url)
    try:
        async with database.reading() as connection:
            return await find_key(connection, key_id)
    finally:
        await database.dispose()


def key_in(output: str) -> str:
    return next(line for line in output.splitlines() if line.startswith("rdk_"))


async def test_a_created_key_is_stored_hashed_in_each_named_service(databases):
    output = await redress("keys", "create", "--name", "web-form", "--role", "frontend", "--expires-in", "30d",
                           "-s", "intake", "-s", "routing", env=env_of(databases))
    key_id, secret = split_key(key_in(output))
    assert "stored in intake, routing" in output
    for url in databases.values():
        found = await stored(url, key_id)
        assert found is not None and found.matches(secret) and found.secret_sha256 != secret
        assert found.key.name == "web-form" and {str(r) for r in found.key.roles} == {"frontend"}
        assert found.key.expires_at is not None


async def test_list_shows_keys_without_secrets_and_revoke_hides_them(databases):
    env = env_of(databases)
    text = key_in(await redress("keys", "create", "--name", "acme", "--role", "partner", "-s", "intake",
                                "-s", "routing", env=env))
    key_id, secret = split_key(text)
    listing = await redress("keys", "list", "-s", "intake", "-s", "routing", env=env)
    assert key_id in listing and "acme" in listing and "partner" in listing and secret not in listing
    assert "intake, routing" in listing
    revoked = await redress("keys", "revoke", key_id, "-s", "intake", "-s", "routing", env=env)
    assert f"key {key_id} revoked in intake, routing" in revoked
    assert key_id not in await redress("keys", "list", "-s", "intake", "-s", "routing", env=env)
    assert "revoked" in await redress("keys", "list", "--all", "-s", "intake", "-s", "routing", env=env)
    assert (await stored(databases["intake"], key_id)).key.revoked_at is not None


async def test_rotation_issues_a_successor_and_gives_the_old_key_a_grace_period(databases):
    env = env_of(databases)
    old_id, _ = split_key(key_in(await redress("keys", "create", "--name", "desk", "--role", "agent", "--queue",
                                               "billing", "-s", "intake", "-s", "routing", env=env)))
    output = await redress("keys", "rotate", old_id, "--grace", "1h", "-s", "intake", "-s", "routing", env=env)
    new_id, new_secret = split_key(key_in(output))
    for url in databases.values():
        old, new = await stored(url, old_id), await stored(url, new_id)
        assert old.key.replaced_by == new_id and old.key.state(datetime.now(UTC)) == "active"
        assert old.key.expires_at is not None and new.key.expires_at is None
        assert new.matches(new_secret) and new.key.name == "desk" and new.key.queues == {"billing"}


async def test_mistakes_are_clear_errors_that_store_nothing(databases):
    env = {"COLUMNS": "250", **env_of(databases)}
    runner = CliRunner()
    bad_role = await asyncio.to_thread(runner.invoke, app, ["keys", "create", "--name", "x", "--role", "boss"],
                                       env=env)
    assert bad_role.exit_code == 2 and "unknown role boss" in bad_role.output
    bad_time = await asyncio.to_thread(runner.invoke, app, ["keys", "create", "--name", "x", "--role", "agent",
                                                            "--expires-in", "soon"], env=env)
    assert bad_time.exit_code == 2 and "not a length of time" in bad_time.output
    unknown = await asyncio.to_thread(runner.invoke, app, ["keys", "revoke", "0123456789abcdef", "-s", "intake"],
                                      env=env)
    assert unknown.exit_code == 1 and "no service knows the key 0123456789abcdef" in unknown.output
    assert "0 key(s)" in await redress("keys", "list", "-s", "intake", "-s", "routing", env=env_of(databases))


async def test_the_development_key_is_made_once_and_reused_while_it_works(databases, tmp_path):
    path = tmp_path / "var" / "dev-api-key"
    urls = list(databases.values())
    first, made = await asyncio.to_thread(ensure_dev_key, path, urls)
    assert made and path.read_text().strip() == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again, made_again = await asyncio.to_thread(ensure_dev_key, path, urls)
    assert (again, made_again) == (first, False)
    key_id, _ = split_key(first)
    await redress("keys", "revoke", key_id, "-s", "intake", env=env_of(databases))
    replaced, made_now = await asyncio.to_thread(ensure_dev_key, path, urls)
    assert made_now and replaced != first and path.read_text().strip() == replaced
