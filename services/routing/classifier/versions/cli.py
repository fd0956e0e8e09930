"""`redress classifier retrain`: a new classifier version from the labels stored in the routing database (plus an
optional labelled CSV), activated only if it does not score worse on held-out texts than the active one. Progress
goes to stderr; stdout ends with one JSON line (version, state, activated, macro_f1, active_macro_f1, decision)."""

import asyncio
import json
from pathlib import Path
from typing import Any

import typer

from services.cli.options import fail
from services.routing.classifier.data import DataError, read_csv
from services.routing.classifier.report import stderr, stdout
from services.routing.classifier.versions import service
from services.routing.classifier.versions.models import ClassifierVersion
from services.routing.context import RoutingContext
from services.routing.settings import RoutingSettings
from services.routing.uow import RoutingUow
from shared.db import Database
from shared.errors import DomainError


def retrain(
    database_url: str = typer.Option(None, "--database-url", help="The routing database (default: "
                                     "REDRESS_ROUTING_DATABASE_URL or the service's default)."),
    base_data: Path = typer.Option(None, "--base-data", help="A labelled UTF-8 CSV trained on with the labels."),
    text_column: str = typer.Option("text", "--text-column", help="The base data's text column."),
    label_column: str = typer.Option("label", "--label-column", help="The base data's label column."),
    min_labels: int = typer.Option(1, "--min-labels", min=0, help="Refuse unless this many labels are stored."),
) -> None:
    settings = RoutingSettings(**({"database_url": database_url} if database_url else {}))
    base = _base(base_data, text_column=text_column, label_column=label_column) if base_data else None
    try:
        version = asyncio.run(_retrain(settings, base, min_labels=min_labels))
    except DomainError as exc:
        fail(exc.detail, code=2)
    summary = _summary(version)
    stdout.print(f"version {version.id} {version.state}: {version.decision}")
    print(json.dumps(summary, ensure_ascii=False))


def _base(path: Path, *, text_column: str, label_column: str) -> service.BaseData:
    try:
        data = read_csv(path, text_column=text_column, label_column=label_column)
    except DataError as exc:
        fail(str(exc), code=2)
    if not data.texts:
        fail(f"{path}: no row has both a text and a label", code=2)
    return service.BaseData(data.texts, data.labels, name=str(path))


async def _retrain(settings: RoutingSettings, base: service.BaseData | None, *, min_labels: int,
                   ) -> ClassifierVersion:
    database = Database(settings.resolved_database_url)
    try:
        uow = RoutingUow(database, source=settings.service_name, context=RoutingContext.of(settings))
        return await service.retrain(uow, base=base, min_labels=min_labels, actor="cli",
                                     progress=lambda message: stderr.log(message))
    finally:
        await database.dispose()


def _summary(version: ClassifierVersion) -> dict[str, Any]:
    compared = version.compared_with
    return {"version": version.id, "model_version": version.model_version, "state": version.state,
            "activated": version.state == "active", "macro_f1": version.metrics["macro_f1"],
            "accuracy": version.metrics["accuracy"], "n": version.metrics["n"],
            "active_macro_f1": compared["macro_f1"] if compared else None, "decision": version.decision,
            "trained_from": version.trained_from}
