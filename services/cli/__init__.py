"""`redress`: the one command line of the platform."""

import typer

from services.cli import audit, database, docs, events, keys, messaging, running
from services.feedback.analytics import cli as analytics_cli
from services.intake.cli import intake_app
from services.routing.classifier.cli import classifier_app
from services.routing.cli import routing_app

app = typer.Typer(help="Redress: event-driven complaint handling.", no_args_is_help=True,
                  pretty_exceptions_show_locals=False)
running.register(app)
database.register(app)
messaging.register(app)
events.register(app)
docs.register(app)
audit.register(app)
keys.register(app)
analytics_cli.register(app)
app.add_typer(intake_app, name="intake")
app.add_typer(routing_app, name="routing")
app.add_typer(classifier_app, name="classifier")


def main() -> None:
    app()
