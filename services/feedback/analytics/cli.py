"""`redress report --from DATE --to DATE`: the CX report of any range, written as HTML and CSV files."""

import asyncio
from datetime import datetime
from pathlib import Path

import typer
from rich.console import Console

from services.cli.options import fail
from services.feedback.analytics.schemas import time_range, utc
from services.feedback.analytics.settings import AnalyticsSettingsMixin
from services.feedback.settings import FeedbackSettings
from shared.contracts.base import DEFAULT_TENANT
from shared.db import Database
from shared.errors import InvalidInput
from shared.settings import async_database_url

console = Console()


def register(app: typer.Typer) -> None:
    app.command("report", help="Write the CX report (HTML with charts, and CSV files) of the complaints received "
                "from --from up to --to (exclusive), read from the feedback database.")(report)


def _moment(text: str) -> datetime:
    try:
        return utc(datetime.fromisoformat(text))
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not an ISO 8601 date or time") from None


def report(
    start: str = typer.Option(..., "--from", help="First day (or time) covered, ISO 8601, UTC unless zoned."),
    end: str = typer.Option(..., "--to", help="End of the range (exclusive), ISO 8601."),
    out: Path = typer.Option(Path("reports"), "--out", help="Folder the files go to (a sub-folder per range)."),
    database_url: str = typer.Option(None, "--database-url", help="The feedback database; default: its setting."),
    tenant: str = typer.Option(DEFAULT_TENANT, "--tenant", help="Whose complaints the report covers."),
) -> None:
    try:
        start_at, end_at = time_range(_moment(start), _moment(end))
    except InvalidInput as exc:
        fail(exc.detail, code=2)
    settings = FeedbackSettings()
    url = async_database_url(database_url) if database_url else settings.resolved_database_url
    target = getattr(settings, "resolution_satisfaction_target",
                     AnalyticsSettingsMixin.model_fields["resolution_satisfaction_target"].default)
    folder = out / f"{start_at.date()}_{end_at.date()}"
    written = asyncio.run(_write(url, tenant, start_at, end_at, target, folder))
    for path in written:
        console.print(f"wrote {path}")


async def _write(url: str, tenant: str, start: datetime, end: datetime, target: float, folder: Path) -> list[Path]:
    # Imported here: the report's analysis libraries take seconds to load, which every other command would pay.
    from services.feedback.analytics.reports import build_report

    database = Database(url)
    try:
        report = await build_report(database, tenant=tenant, start=start, end=end, target=target,
                                    title=f"CX report {start.date()} – {end.date()}",
                                    progress=lambda step: console.print(f"… {step}"))
    finally:
        await database.dispose()
    console.print("… writing files")
    return report.write(folder)
