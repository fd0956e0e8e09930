"""`redress outbox …` and `redress dlq …`: operating the event flow."""

import asyncio
import time
from datetime import datetime

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from services.catalog import ServiceSpec, pick
from services.cli.options import fail, parse_moment
from shared.broker import BrokerUnavailable, wait_for_kafka
from shared.contracts import REGISTRY, dlq_topic
from shared.db import Database
from shared.messaging import dlq
from shared.messaging.kafka import new_producer
from shared.messaging.outbox import backlog, republish
from shared.settings import ServiceSettings

console = Console()
outbox_app = typer.Typer(help="The services' transactional outboxes.", no_args_is_help=True)
dlq_app = typer.Typer(help="Dead-letter topics: events no consumer could handle.", no_args_is_help=True)

ServicesOption = typer.Option(None, "--service", "-s", help="Limit to these services (repeatable).")


def register(app: typer.Typer) -> None:
    app.add_typer(outbox_app, name="outbox")
    app.add_typer(dlq_app, name="dlq")


def _specs(services: list[str] | None) -> list[ServiceSpec]:
    try:
        return pick(services)
    except ValueError as exc:
        fail(str(exc))


@outbox_app.command("status", help="Events waiting in each service's outbox.")
def outbox_status(services: list[str] = ServicesOption) -> None:
    table = Table("service", "unsent events")
    for spec in _specs(services):
        table.add_row(spec.name, str(asyncio.run(_with_database(spec, backlog))))
    console.print(table)


@outbox_app.command("republish", help="Publish again the events sent since a time, e.g. after the broker lost "
                    "its data. Events keep their ce_id, so consumers apply each at most once.")
def outbox_republish(
    since: str = typer.Option(..., help="ISO 8601 time or an age such as 6h or 2d."),
    until: str = typer.Option(None, help="ISO 8601 time or age; default: now."),
    topics: list[str] = typer.Option(None, "--topic", help="Only events of these topics (repeatable)."),
    services: list[str] = ServicesOption,
    wait: bool = typer.Option(False, help="Wait, with a progress bar, until the running relays sent them."),
) -> None:
    start, end = parse_moment(since), parse_moment(until) if until else None
    specs = _specs(services)
    counts = {spec.name: asyncio.run(_with_database(spec, _republish, start, end, topics or ())) for spec in specs}
    for name, count in counts.items():
        console.print(f"{name}: {count} event(s) queued for publishing again")
    if wait and any(counts.values()):
        _follow_backlog(specs, total=sum(counts.values()))


async def _republish(database: Database, since: datetime, until: datetime | None, topics: tuple[str, ...]) -> int:
    return await republish(database, since=since, until=until, topics=topics)


async def _with_database(spec: ServiceSpec, action, *args):
    database = Database(spec.settings().resolved_database_url)
    try:
        return await action(database, *args)
    finally:
        await database.dispose()


def _follow_backlog(specs: list[ServiceSpec], *, total: int, timeout_s: float = 600.0) -> None:
    columns = (TextColumn("publishing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    deadline = time.monotonic() + timeout_s
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("republish", total=total)
        while time.monotonic() < deadline:
            left = sum(asyncio.run(_with_database(spec, backlog)) for spec in specs)
            progress.update(task, completed=max(total - left, 0))
            if left == 0:
                return
            time.sleep(0.5)
    fail("the outboxes are not empty yet: are the services (their relays) running?")


def _dlq_topics(topics: list[str] | None) -> list[str]:
    return topics or [dlq_topic(t) for t in REGISTRY.topics]


def _bootstrap() -> str:
    settings = ServiceSettings()
    try:
        asyncio.run(wait_for_kafka(settings.kafka_bootstrap, timeout=settings.broker_wait_s))
    except BrokerUnavailable as exc:
        fail(str(exc))
    return settings.kafka_bootstrap


@dlq_app.command("list", help="Dead letters not replayed yet (all of them with --all).")
def dlq_list(topics: list[str] = typer.Option(None, "--topic", help="DLQ topics (default: all)."),
             include_replayed: bool = typer.Option(False, "--all", help="Include letters already replayed.")) -> None:
    letters = asyncio.run(dlq.list_dead_letters(_bootstrap(), _dlq_topics(topics), include_replayed=include_replayed))
    table = Table("topic", "partition", "offset", "type", "ce_id", "error", "message", "tries")
    for letter in letters:
        facts = letter.facts
        table.add_row(letter.topic, str(letter.partition), str(letter.offset), facts.get("ce_type", "?"),
                      facts.get("ce_id", "?"), facts.get("dlq_error_type", "?"),
                      facts.get("dlq_error_message", "")[:120], facts.get("dlq_attempts", "?"))
    console.print(table)
    console.print(f"{len(letters)} dead letter(s)")


@dlq_app.command("replay", help="Send dead letters back to their original topics, once each.")
def dlq_replay(topics: list[str] = typer.Option(None, "--topic", help="DLQ topics (default: all).")) -> None:
    bootstrap = _bootstrap()
    letters = asyncio.run(_replay(bootstrap, _dlq_topics(topics)))
    console.print(f"replayed {len(letters)} dead letter(s)")


async def _replay(bootstrap: str, topics: list[str]) -> list[dlq.DeadLetter]:
    producer = new_producer(bootstrap, client_id="redress-dlq-replay")
    await producer.start()
    try:
        return await dlq.replay_dead_letters(bootstrap, topics, producer)
    finally:
        await producer.stop()
