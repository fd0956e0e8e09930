"""`redress migrate`: Alembic migrations, per service."""

import asyncio

import typer
from rich.console import Console

from services.catalog import pick
from shared.migrations import new_revision, upgrade

console = Console()


def register(app: typer.Typer) -> None:
    app.command(help="Bring the services' databases to the newest schema (all services when none is named).")(
        migrate
    )
    app.command(help="Write a service's next migration from the difference between its models and its "
                "database (for developers).")(revision)


def revision(service: str = typer.Argument(..., help="intake, routing, escalation or feedback"),
             message: str = typer.Option(..., "--message", "-m", help="What the migration changes.")) -> None:
    try:
        spec = pick([service])[0]
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    asyncio.run(new_revision(spec.migrations_dir, spec.settings().resolved_database_url, message))
    console.print(f"new migration in {spec.migrations_dir / 'versions'}: review it before committing")


def migrate(services: list[str] = typer.Argument(None, help="intake, routing, escalation, feedback")) -> None:
    try:
        specs = pick(services)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    for spec in specs:
        url = spec.settings().resolved_database_url
        console.print(f"migrating [bold]{spec.name}[/] ({_safe(url)}) … ", end="")
        asyncio.run(upgrade(spec.migrations_dir, url))
        console.print("[green]up to date[/]")


def _safe(url: str) -> str:
    """The URL without its password, for printing."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
