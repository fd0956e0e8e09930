"""`redress migrate`: Alembic migrations, per service."""

import asyncio

import typer
from rich.console import Console

from services.catalog import pick
from shared.migrations import upgrade

console = Console()


def register(app: typer.Typer) -> None:
    app.command(help="Bring the services' databases to the newest schema (all services when none is named).")(
        migrate
    )


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
