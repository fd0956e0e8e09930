"""`redress routing import-org FILE` against the real database."""

import asyncio
import json

import yaml
from sqlalchemy import select
from typer.testing import CliRunner

from services.catalog import SERVICES
from services.cli import app
from services.routing.org.models import Agent
from shared.db import Database
from shared.migrations import upgrade
from tests.integration.routing.builders import a_team, an_agent
from tests.support import redress

ORG = {"teams": [a_team("desk", categories=["billing"]), a_team("sos", kind="emergency")],
       "agents": [an_agent("amy", "desk", schedule={"mon": [["09:00", "17:00"]]}), an_agent("bo", "sos")]}


async def test_importing_an_organisation_file_twice_creates_it_once(database_url, tmp_path):
    await upgrade(SERVICES["routing"].migrations_dir, database_url)
    path = tmp_path / "org.yaml"
    path.write_text(yaml.safe_dump(ORG, allow_unicode=True), encoding="utf-8")
    env = {"REDRESS_ROUTING_DATABASE_URL": database_url}

    first = await redress("routing", "import-org", str(path), env=env)
    changed = {**ORG, "agents": [{**ORG["agents"][0], "capacity": 9}, ORG["agents"][1]]}
    (tmp_path / "org.json").write_text(json.dumps(changed), encoding="utf-8")
    second = await redress("routing", "import-org", str(tmp_path / "org.json"), env=env)

    assert "teams: 2 created, 0 updated, 0 unchanged" in first
    assert "agents: 2 created, 0 updated, 0 unchanged" in first
    assert "teams: 0 created, 0 updated, 2 unchanged" in second
    assert "agents: 0 created, 1 updated, 1 unchanged" in second
    database = Database(database_url)
    try:
        async with database.sessions() as session:
            agents = {a.id: a for a in (await session.scalars(select(Agent))).all()}
    finally:
        await database.dispose()
    assert agents["amy"].capacity == 9 and agents["amy"].schedule == {"mon": [["09:00", "17:00"]]}


async def test_a_bad_file_changes_nothing_and_says_why(database_url, tmp_path):
    await upgrade(SERVICES["routing"].migrations_dir, database_url)
    path = tmp_path / "org.yaml"
    bad = {**ORG, "agents": [*ORG["agents"], an_agent("cy", "nowhere")]}
    path.write_text(yaml.safe_dump(bad), encoding="utf-8")
    env = {"REDRESS_ROUTING_DATABASE_URL": database_url, "COLUMNS": "250"}

    result = await asyncio.to_thread(CliRunner().invoke, app, ["routing", "import-org", str(path)], env=env)

    assert result.exit_code == 2
    assert "no team nowhere" in result.output
    database = Database(database_url)
    try:
        async with database.sessions() as session:
            assert (await session.scalars(select(Agent))).all() == []
    finally:
        await database.dispose()
