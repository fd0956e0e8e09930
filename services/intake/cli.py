"""`redress intake import FILE`: files the complaints of a CSV or NDJSON file through the running intake service's
batch API with a frontend's API key, as any frontend would. `redress intake rotate-pii-key`: re-encrypts the
stored contact data under the newest key."""

import asyncio
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import httpx
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from services.cli.options import fail
from services.intake import importing
from services.intake.api import BATCH_PATH
from services.intake.encryption import NEWEST_KEY, OLDER_KEY, PLAINTEXT, PiiCipher, UnreadableValue
from services.intake.models import metadata
from services.intake.pii_keys import NoKeys, pii_cipher
from services.intake.rotation import Tally, count_rows, rotate, sealed_columns
from services.intake.schemas import MAX_BATCH_ITEMS
from services.intake.settings import IntakeSettings
from shared.auth.deps import API_KEY_HEADER
from shared.db import Database

console = Console()
intake_app = typer.Typer(help="The intake service: complaints in bulk, keys of the contact data.",
                         no_args_is_help=True)

SHOWN_REJECTIONS = 50
ACCEPTED, LINKED, REJECTED = "accepted", "linked", "rejected"


@dataclass(frozen=True)
class Outcome:
    line: int
    result: str
    reason: str | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)


@intake_app.command("import", help="File the complaints of a CSV or NDJSON file through the intake service's "
                    "batch API. Importing the same file again files nothing twice. Exit code 1 when a row was "
                    "rejected, 2 when the file or the service cannot be used.")
def import_complaints(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="The CSV or NDJSON file."),
    fmt: str = typer.Option(None, "--format", help="csv or ndjson (default: from the file's extension)."),
    url: str = typer.Option("http://127.0.0.1:8001", help="Base URL of the running intake service."),
    batch_size: int = typer.Option(200, min=1, max=MAX_BATCH_ITEMS, help="Complaints per request."),
    errors: Path = typer.Option(None, "--errors", help="Write every rejected row with its reasons here (NDJSON)."),
    api_key: str = typer.Option(None, "--api-key", envvar="REDRESS_API_KEY", show_default=False,
                                help="A key with the frontend role (redress keys create --role frontend)."),
) -> None:
    rows = _read(file, fmt)
    outcomes = _send(rows, url=url, batch_size=batch_size, api_key=api_key)
    _summarise(outcomes)
    if errors is not None:
        _write_rejections(errors, outcomes)
    raise typer.Exit(1 if any(o.result == REJECTED for o in outcomes) else 0)


def _read(file: Path, fmt: str | None) -> list[importing.Row]:
    fmt = fmt or importing.format_of(file.name)
    if fmt is None:
        _usage_error(f"cannot tell the format of {file.name}; pass --format csv or --format ndjson")
    content = file.read_bytes()
    try:
        text = content.decode("utf-8-sig")
        return importing.read_rows(io.StringIO(text, newline=""), fmt=fmt.lower(),
                                   digest=importing.file_digest(content))
    except (UnicodeDecodeError, importing.UnreadableFile) as exc:
        _usage_error(f"{file}: {exc}")


def _usage_error(message: str) -> NoReturn:
    fail(message, code=2)


def _send(rows: list[importing.Row], *, url: str, batch_size: int, api_key: str | None) -> list[Outcome]:
    outcomes = [Outcome(row.line, REJECTED, row.problem) for row in rows if row.body is None]
    readable = [row for row in rows if row.body is not None]
    headers = {API_KEY_HEADER: api_key} if api_key else {}
    with _progress(total=len(rows)) as advance, httpx.Client(base_url=url, timeout=120.0, headers=headers) as client:
        advance(len(outcomes))
        for start in range(0, len(readable), batch_size):
            chunk = readable[start:start + batch_size]
            outcomes += _post(client, chunk)
            advance(len(chunk))
    return sorted(outcomes, key=lambda o: o.line)


@contextmanager
def _progress(*, total: int, doing: str = "importing") -> Iterator[Any]:
    columns = (TextColumn(doing), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task(doing, total=total)
        yield lambda count: progress.advance(task, count)


def _post(client: httpx.Client, chunk: list[importing.Row]) -> list[Outcome]:
    items = [{"idempotency_key": row.idempotency_key, "complaint": row.body} for row in chunk]
    try:
        response = client.post(BATCH_PATH, json={"items": items})
    except httpx.TransportError as exc:
        _usage_error(f"cannot reach the intake service at {client.base_url} ({exc}); is it running "
                     "(redress serve intake)? Importing the file again later files no row twice.")
    if response.status_code in (401, 403):  # no row can get through: stop, as for an unreachable service
        _usage_error(f"the intake service refused the import: {_detail(response)}. Pass a key with the frontend "
                     "role in --api-key or REDRESS_API_KEY.")
    if response.status_code != 200:
        reason = f"the service answered {response.status_code}: {_detail(response)}"
        return [Outcome(row.line, REJECTED, reason) for row in chunk]
    return [_outcome(row, result) for row, result in zip(chunk, response.json()["results"], strict=True)]


def _detail(response: httpx.Response) -> str:
    try:
        return str(response.json().get("detail", response.text))
    except ValueError:
        return response.text[:200]


def _outcome(row: importing.Row, result: dict[str, Any]) -> Outcome:
    if result["status"] == 201:
        return Outcome(row.line, ACCEPTED)
    if result["status"] == 200:
        return Outcome(row.line, LINKED)
    problem = result.get("problem") or {}
    errors = problem.get("errors") or []
    reason = "; ".join(f"{_field(e['loc'])}: {e['msg']}" for e in errors) or problem.get("detail", "rejected")
    return Outcome(row.line, REJECTED, reason, errors)


def _field(loc: list[Any]) -> str:
    # Errors name fields of the batch item; the file's columns are the complaint's.
    parts = loc[1:] if loc[:1] == ["complaint"] else loc
    return ".".join(str(part) for part in parts) or "row"


def _summarise(outcomes: list[Outcome]) -> None:
    counts = {result: sum(o.result == result for o in outcomes) for result in (ACCEPTED, LINKED, REJECTED)}
    console.print(f"accepted: {counts[ACCEPTED]}   linked to earlier complaints: {counts[LINKED]}   "
                  f"rejected: {counts[REJECTED]}")
    rejected = [o for o in outcomes if o.result == REJECTED]
    if not rejected:
        return
    table = Table("line", "reason", title="rejected rows")
    for outcome in rejected[:SHOWN_REJECTIONS]:
        table.add_row(str(outcome.line), outcome.reason or "")
    console.print(table)
    if len(rejected) > SHOWN_REJECTIONS:
        console.print(f"… and {len(rejected) - SHOWN_REJECTIONS} more (--errors FILE writes them all)")


def _write_rejections(path: Path, outcomes: list[Outcome]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for outcome in outcomes:
            if outcome.result == REJECTED:
                record = {k: v for k, v in asdict(outcome).items() if k != "result"}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")


@intake_app.command("rotate-pii-key", help="Re-encrypt the customers' contact data under the newest PII key (the "
                    "first of REDRESS_INTAKE_PII_KEYS), one batch of rows per transaction, and encrypt any left in "
                    "plaintext. Run it once every replica has the new key first; drop the old key only afterwards. "
                    "Safe to run again. Exit code 1 when a value cannot be decrypted with any of the keys, 2 when "
                    "there are no keys.")
def rotate_pii_key(
    batch_size: int = typer.Option(500, min=1, max=10_000, help="Rows per transaction."),
) -> None:
    settings = IntakeSettings()
    try:
        # Never a new key: re-encrypting under a key the service does not have would make the data unreadable.
        cipher = pii_cipher(settings, generate=False)
    except NoKeys as exc:
        fail(str(exc), code=2)
    try:
        tallies = asyncio.run(_rotate(settings, cipher, batch_size=batch_size))
    except UnreadableValue as exc:
        fail(f"{exc}. The rows before it are done; run the command again once the key is back.")
    _summarise_rotation(tallies)


async def _rotate(settings: IntakeSettings, cipher: PiiCipher, *, batch_size: int) -> list[Tally]:
    sealed = sealed_columns(metadata)
    database = Database(settings.resolved_database_url)
    try:
        total = await count_rows(database, sealed)
        with _progress(total=total, doing="re-encrypting") as advance:
            return await rotate(database, sealed, cipher, batch_size=batch_size, progress=advance)
    finally:
        await database.dispose()


def _summarise_rotation(tallies: list[Tally]) -> None:
    table = Table("table", "rows", "re-encrypted (older key)", "encrypted (were plaintext)", "already newest key",
                  title="contact data")
    for tally in tallies:
        table.add_row(tally.table, str(tally.rows), *(str(tally.values[was]) for was in (OLDER_KEY, PLAINTEXT,
                                                                                             NEWEST_KEY)))
    console.print(table)
    changed = sum(t.values[OLDER_KEY] + t.values[PLAINTEXT] for t in tallies)
    console.print(f"{changed} values re-encrypted; every value is now under the newest key")
