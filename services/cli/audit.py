"""`redress audit verify`: check that no one changed, removed or added entries of the services' audit logs."""

import asyncio

import typer
from rich.console import Console
from sqlalchemy.exc import SQLAlchemyError

from services.catalog import ServiceSpec, pick
from services.cli.options import fail
from shared.audit.chain import Verdict
from shared.audit.check import verify_database

console = Console()
audit_app = typer.Typer(help="The services' hash-chained audit logs of staff changes.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")


@audit_app.command(help="Check every link of the audit log of each service (all when none is named). Exit 1 "
                   "when a log was tampered with, 2 when a database cannot be read.")
def verify(services: list[str] = typer.Argument(None, help="intake, routing, escalation, feedback")) -> None:
    try:
        specs = pick(services)
    except ValueError as exc:
        fail(str(exc))
    intact = True
    for spec in specs:
        verdict = _verify(spec)
        _show(spec, verdict)
        intact = intact and verdict.ok
    if not intact:
        raise typer.Exit(1)


def _verify(spec: ServiceSpec) -> Verdict:
    try:
        return asyncio.run(verify_database(spec.settings().resolved_database_url))
    except SQLAlchemyError as exc:
        fail(f"{spec.name}: cannot read the audit log ({type(exc).__name__}); is the database migrated?", code=2)


def _show(spec: ServiceSpec, verdict: Verdict) -> None:
    if verdict.broken is None:
        head = f", head {verdict.head.seq} {verdict.head.hash}" if verdict.head else ""
        console.print(f"[bold]{spec.name}[/]: {verdict.checked} entries checked, [green]OK[/]{head}", soft_wrap=True)
        return
    broken = verdict.broken
    console.print(f"[bold]{spec.name}[/]: [red]BROKEN[/] at entry {broken.seq} ({broken.reason}): {broken.detail} "
                  f"({verdict.checked} entries checked before)", soft_wrap=True)
