"""`redress`: the one command line of the platform."""

import typer

from services.cli import database, docs, messaging, running
from services.intake.cli import intake_app

app = typer.Typer(help="Redress: event-driven complaint handling.", no_args_is_help=True,
                  pretty_exceptions_show_locals=False)
running.register(app)
database.register(app)
messaging.register(app)
docs.register(app)
app.add_typer(intake_app, name="intake")


def main() -> None:
    app()
