"""`redress routing import-org FILE`: upserts the teams and agents of a YAML or JSON file into the routing
database (the one REDRESS_ROUTING_DATABASE_URL names), all or nothing; importing the same file again changes
nothing."""

import asyncio
import json
from pathlib import Path
from typing import Any

import typer
import yaml
from pydantic import ValidationError

from services.cli.options import fail
from services.routing.context import RoutingContext
from services.routing.org import service
from services.routing.org.schemas import ImportOut, OrgIn
from services.routing.settings import RoutingSettings
from services.routing.uow import RoutingUow
from shared.db import Database
from shared.errors import DomainError

routing_app = typer.Typer(help="The routing service: teams, agents and queues.", no_args_is_help=True)


@routing_app.command("import-org", help="Create or update the teams and agents of a YAML or JSON file "
                     "({teams: [...], agents: [...]}) in the routing database. Exit code 2 when the file cannot "
                     "be used; then nothing changes.")
def import_org(file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True,
                                           help="The organisation file (.yaml, .yml or .json).")) -> None:
    document = _read(file)
    settings = RoutingSettings()
    try:
        summary = asyncio.run(_import(settings, document))
    except DomainError as exc:
        fail(f"{file}: {exc.detail}", code=2)
    for what, counts in (("teams", summary.teams), ("agents", summary.agents)):
        typer.echo(f"{what}: {counts.created} created, {counts.updated} updated, {counts.unchanged} unchanged")


def _read(file: Path) -> OrgIn:
    try:
        text = file.read_text(encoding="utf-8")
        raw: Any = json.loads(text) if file.suffix.lower() == ".json" else yaml.safe_load(text)
        return OrgIn.model_validate(raw)
    except (UnicodeDecodeError, json.JSONDecodeError, yaml.YAMLError) as exc:
        fail(f"{file} is not readable YAML or JSON: {exc}", code=2)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        fail(f"{file}: {problems}", code=2)


async def _import(settings: RoutingSettings, document: OrgIn) -> ImportOut:
    database = Database(settings.resolved_database_url)
    try:
        uow = RoutingUow(database, source=settings.service_name, context=RoutingContext.of(settings))
        return await service.import_org(uow, document)
    finally:
        await database.dispose()
