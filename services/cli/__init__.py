"""`redress`: the one command line of the platform."""

import typer

from services.cli import database, docs, messaging, running

app = typer.Typer(help="Redress: event-driven complaint handling.", no_args_is_help=True,
                  pretty_exceptions_show_locals=False)
running.register(app)
database.register(app)
messaging.register(app)
docs.register(app)


def main() -> None:
    app()
