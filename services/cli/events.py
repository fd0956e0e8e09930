"""`redress events …`: event history for partners, replayed from a point in time."""

import asyncio
import time
from datetime import UTC, datetime

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from services.catalog import SERVICES
from services.cli.options import fail, parse_moment
from shared.broker import BrokerUnavailable, wait_for_kafka
from shared.db import Database
from shared.errors import DomainError
from shared.messaging import replay
from shared.settings import ServiceSettings, async_database_url

console = Console()
events_app = typer.Typer(help="Event history: replay a period onto a partner's topic.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(events_app, name="events")


@events_app.command("replay", help="Copy the events of a period onto another topic, keeping key, value and every "
                    "header: from a Kafka that still holds them (offsets found by timestamp), or with --from-outbox "
                    "from services' outboxes. Events keep their ce_id, so idempotent consumers apply none twice.")
def replay_command(
    since: str = typer.Option(..., help="Start (inclusive): ISO 8601 time (UTC without a zone) or an age, e.g. 2d."),
    to_topic: str = typer.Option(..., "--to-topic", help="Topic to publish onto; created when missing."),
    topic: str = typer.Option(None, help="Topic to replay; needed for Kafka, optional with --from-outbox."),
    until: str = typer.Option(None, help="End (exclusive): ISO 8601 time or an age; default: now."),
    types: list[str] = typer.Option(None, "--type", help="Only events of this ce_type (repeatable)."),
    from_outbox: list[str] = typer.Option(None, "--from-outbox", help="Replay from an outbox: a service name "
                                          f"({', '.join(SERVICES)}) or a service's database URL (repeatable)."),
    bootstrap: str = typer.Option(None, help="Kafka bootstrap servers; default: REDRESS_KAFKA_BOOTSTRAP."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Only count what would be published."),
) -> None:
    now = datetime.now(UTC)
    sources = [_outbox_source(value) for value in from_outbox or ()] or [("kafka", ServiceSettings(), None)]
    bootstrap = bootstrap or sources[0][1].kafka_bootstrap
    try:
        window = replay.replay_window(since=parse_moment(since, now=now), to_topic=to_topic, topic=topic,
                                      until=parse_moment(until, now=now) if until else None, types=types or (),
                                      now=now)
        for _name, settings, url in sources:
            if url is not None:
                replay.check_outbox_retention(window, retention_days=settings.outbox_retention_days, now=now)
        if not from_outbox and topic is None:
            fail("--topic is needed to replay from Kafka (or use --from-outbox)")
        if not dry_run or not from_outbox:
            _wait_for_broker(bootstrap, sources[0][1].broker_wait_s)
        for name, settings, url in sources:
            started = time.monotonic()
            summary = asyncio.run(_run(window, bootstrap=bootstrap, database_url=url, dry_run=dry_run,
                                       settings=settings))
            _print_summary(window, summary, source=name, seconds=time.monotonic() - started)
    except DomainError as exc:
        fail(exc.detail)


def _outbox_source(value: str) -> tuple[str, ServiceSettings, str]:
    """(what to call it, settings, database URL) of an outbox named by its service or its database URL."""
    if value in SERVICES:
        settings = SERVICES[value].settings()
        return f"{value} outbox", settings, settings.resolved_database_url
    if "://" not in value:
        fail(f"--from-outbox takes a service name ({', '.join(SERVICES)}) or a database URL, not {value!r}")
    return "outbox", ServiceSettings(), async_database_url(value)


def _wait_for_broker(bootstrap: str, timeout: float) -> None:
    try:
        asyncio.run(wait_for_kafka(bootstrap, timeout=timeout))
    except BrokerUnavailable as exc:
        fail(str(exc))


async def _run(window: replay.ReplayWindow, *, bootstrap: str, database_url: str | None, dry_run: bool,
               settings: ServiceSettings) -> replay.ReplaySummary:
    database = Database(database_url) if database_url else None
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    try:
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task("reading", total=None)

            def show(scanned: int, published: int) -> None:
                verb = "would publish" if dry_run else "published"
                progress.update(task, description=f"read {scanned:,} event(s), {verb} {published:,}")

            return await replay.replay(window, bootstrap=bootstrap, database=database, dry_run=dry_run,
                                       partitions=settings.topic_partitions if database else None,
                                       replication=settings.topic_replication, on_progress=show)
    finally:
        if database is not None:
            await database.dispose()


def _print_summary(window: replay.ReplayWindow, summary: replay.ReplaySummary, *, source: str,
                   seconds: float) -> None:
    if summary.by_type:
        table = Table("ce_type", "events")
        for ce_type, count in sorted(summary.by_type.items()):
            table.add_row(ce_type, str(count))
        console.print(table)
    where = f"topic {window.topic}" if summary.source == "kafka" else source
    verb = "would be published" if summary.dry_run else "published"
    console.print(f"{summary.scanned} event(s) read from the {where} between {window.since.isoformat()} and "
                  f"{window.until.isoformat()} in {seconds:.1f} s")
    console.print(f"{summary.published} event(s) {verb} to {window.to_topic}")
