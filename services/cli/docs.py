"""`redress docs`: documents generated from the code."""

from pathlib import Path

import typer

from shared.contracts import REGISTRY
from shared.contracts.asyncapi import build_document, render_yaml
from shared.contracts.catalogue import build_catalogue
from shared.service_app import VERSION

docs_app = typer.Typer(help="Generate documentation from the code.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(docs_app, name="docs")


def asyncapi_yaml() -> str:
    return render_yaml(build_document(REGISTRY, version=VERSION))


def events_markdown() -> str:
    return build_catalogue(REGISTRY, version=VERSION)


def _write(text: str, out: Path) -> None:
    if str(out) == "-":
        typer.echo(text, nl=False)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {out}")


@docs_app.command("asyncapi", help="Write the AsyncAPI 3 document of every event contract.")
def asyncapi(out: Path = typer.Option(Path("docs/asyncapi.yaml"), help="Where to write it; - for stdout.")) -> None:
    _write(asyncapi_yaml(), out)


@docs_app.command("events", help="Write the event catalogue: topics, types, headers, fields, examples, emitters.")
def events(out: Path = typer.Option(Path("docs/events.md"), help="Where to write it; - for stdout.")) -> None:
    _write(events_markdown(), out)
